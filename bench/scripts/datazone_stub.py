#!/usr/bin/env python3
"""A stateless HTTP stub of the DataZone and MWAA Serverless calls the phase handlers make.

moto emulates S3, EventBridge and Step Functions but neither of these two services, so the
cold-start script points AWS_ENDPOINT_URL_DATAZONE and AWS_ENDPOINT_URL_MWAA_SERVERLESS here.
It serves the domains, projects and listings of a local account file (the one `deploy --local`
uses, e.g. examples/basic_pipeline/local-account.json), each project with an ACTIVE "Tooling"
environment that provides its s3BucketPath and userRoleArn.

DataZone is REST-JSON (/v2/domains/...); MWAA Serverless is AWS JSON (POST / with X-Amz-Target).
Every request is appended, one line "<METHOD> <operation>", to the --log file.

Usage: datazone_stub.py --port PORT --account FILE --log FILE
"""
import argparse
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def load_account(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Handler(BaseHTTPRequestHandler):
    account = None
    log_file = None
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep the benchmark's output clean
        pass

    def _record(self, operation):
        with open(self.log_file, "a", encoding="utf-8") as f:
            f.write(f"{self.command} {operation}\n")

    def _send(self, status, body, content_type="application/json"):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else {}

    def _domain(self, domain_id):
        return next((d for d in self.account["domains"] if d["id"] == domain_id), None)

    def _project(self, domain, project_id):
        return next((p for p in domain.get("projects", []) if p["id"] == project_id), None)

    def _not_found(self, what):
        self._send(404, {"message": f"{what} not found"}, "application/json")

    # ---- MWAA Serverless (AWS JSON protocol) -------------------------------------------
    def _mwaa(self, target):
        operation = target.split(".")[-1]
        self._record("airflow-serverless:" + operation)
        body = self._body()
        ctype = "application/x-amz-json-1.0"
        acct = self.account["account"]
        if operation == "ListWorkflows":
            return self._send(200, {"Workflows": []}, ctype)
        if operation in ("CreateWorkflow", "UpdateWorkflow"):
            name = body.get("Name") or body.get("WorkflowArn", "workflow").split("/")[-1]
            return self._send(200, {"WorkflowArn": f"arn:aws:airflow-serverless:us-east-1:{acct}:workflow/{name}",
                                    "WorkflowVersion": "1"}, ctype)
        return self._send(400, {"__type": "ValidationException", "message": f"stub: {operation} not served"}, ctype)

    # ---- DataZone (REST-JSON) ----------------------------------------------------------
    def _datazone(self, method):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        path = url.path
        acct = self.account["account"]
        if method == "GET" and path == "/v2/domains":
            self._record("datazone:ListDomains")
            items = [{"id": d["id"], "name": d["name"], "status": "AVAILABLE",
                      "arn": f"arn:aws:datazone:{d['region']}:{acct}:domain/{d['id']}",
                      "managedAccountId": acct} for d in self.account["domains"]]
            return self._send(200, {"items": items})
        m = re.fullmatch(r"/v2/domains/([^/]+)/(projects|environments|subscriptions|subscription-requests"
                         r"|listings/search)(?:/([^/]+))?", path)
        if not m:
            self._record("datazone:UNKNOWN " + path)
            return self._not_found(path)
        domain = self._domain(m.group(1))
        if domain is None:
            return self._not_found("domain " + m.group(1))
        resource, ident = m.group(2), m.group(3)
        if resource == "projects" and method == "GET" and ident is None:
            self._record("datazone:ListProjects")
            name = query.get("name", "")
            items = [{"id": p["id"], "name": p["name"], "domainId": domain["id"], "projectStatus": "ACTIVE",
                      "createdBy": "stub"} for p in domain.get("projects", []) if name in p["name"]]
            return self._send(200, {"items": items})
        if resource == "environments" and method == "GET" and ident is None:
            self._record("datazone:ListEnvironments")
            project = self._project(domain, query.get("projectIdentifier"))
            items = [] if project is None else [{
                "id": "env_" + project["id"], "name": "Tooling", "status": "ACTIVE", "domainId": domain["id"],
                "projectId": project["id"], "provider": "Amazon SageMaker", "createdBy": "stub"}]
            return self._send(200, {"items": items})
        if resource == "environments" and method == "GET":
            self._record("datazone:GetEnvironment")
            project = self._project(domain, ident[len("env_"):]) if ident.startswith("env_") else None
            if project is None:
                return self._not_found("environment " + ident)
            return self._send(200, {
                "id": ident, "name": "Tooling", "status": "ACTIVE", "domainId": domain["id"],
                "projectId": project["id"], "provider": "Amazon SageMaker", "createdBy": "stub",
                "provisionedResources": [
                    {"name": "s3BucketPath", "value": project["s3Location"], "type": "s3"},
                    {"name": "userRoleArn", "value": f"arn:aws:iam::{acct}:role/datazone_usr_role_{project['id']}",
                     "type": "IAMRole"}]})
        if resource == "listings/search" and method == "POST":
            self._record("datazone:SearchListings")
            text = self._body().get("searchText", "")
            items = [{"assetListing": {"listingId": l["id"], "name": l["name"], "listingRevision": l["revision"]}}
                     for l in domain.get("listings", []) if text in l["name"]]
            return self._send(200, {"items": items, "totalMatchCount": len(items)})
        if resource == "subscriptions" and method == "GET":
            self._record("datazone:ListSubscriptions")
            items = [{"id": f"sub_{s['listingId']}", "status": s["status"], "domainId": domain["id"],
                      "createdBy": "stub", "updatedBy": "stub"}
                     for s in domain.get("subscriptions", [])
                     if s["projectId"] == query.get("owningProjectId")
                     and s["listingId"] == query.get("subscribedListingId")
                     and s["status"] == query.get("status", s["status"])]
            return self._send(200, {"items": items})
        if resource == "subscription-requests" and method == "GET":
            self._record("datazone:ListSubscriptionRequests")
            return self._send(200, {"items": []})
        if resource == "subscription-requests" and method == "POST":
            self._record("datazone:CreateSubscriptionRequest")
            body = self._body()
            return self._send(200, {"id": "sr_stub", "status": "PENDING", "domainId": domain["id"],
                                    "requestReason": body.get("requestReason", ""), "createdBy": "stub"})
        self._record(f"datazone:UNKNOWN {method} {path}")
        return self._not_found(path)

    def _dispatch(self):
        target = self.headers.get("X-Amz-Target")
        if target:
            return self._mwaa(target)
        return self._datazone(self.command)

    do_GET = _dispatch
    do_POST = _dispatch
    do_PUT = _dispatch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--account", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    Handler.account = load_account(args.account)
    Handler.log_file = args.log
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"stub listening on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
