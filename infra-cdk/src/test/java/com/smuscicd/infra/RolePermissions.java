package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awscdk.assertions.Template;

/**
 * Everything a role of a synthesized template may do, gathered from every place IAM reads it:
 * {@code AWS::IAM::Policy} and {@code AWS::IAM::ManagedPolicy} resources naming the role, its
 * {@code AWS::IAM::RolePolicy} resources, its inline {@code Policies} and its
 * {@code ManagedPolicyArns}. {@code hasResourceProperties} only shows that some policy matches;
 * a second policy on the same role would pass unseen. Statements are split into {@link Grant}s,
 * one action on one resource each, so tests compare what is allowed, not how CDK groups it
 * (statement Sids are not compared: they grant nothing).
 */
final class RolePermissions {

    /** Sorted keys, so equal intrinsics ({@code Fn::Join}, {@code Ref}, ...) give equal text. */
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private static final Comparator<Grant> ORDER = Comparator.comparing(Grant::action).thenComparing(Grant::resource)
            .thenComparing(Grant::effect).thenComparing(grant -> String.valueOf(grant.condition()));

    private static final Set<String> STATEMENT_KEYS =
            Set.of("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition");

    private final Map<String, Map<String, Object>> resources;

    @SuppressWarnings("unchecked")
    RolePermissions(Template template) {
        this.resources = (Map<String, Map<String, Object>>) template.toJSON().get("Resources");
    }

    /**
     * One action allowed (or denied) on one resource, under one condition. {@code action} and
     * {@code resource} are prefixed with {@code NotAction}/{@code NotResource} when the statement
     * used those; {@code resource} and {@code condition} are JSON (a string, or an intrinsic).
     */
    record Grant(String effect, String action, String resource, String condition) {
        @Override
        public String toString() {
            return effect + " " + action + " on " + resource + (condition == null ? "" : " if " + condition);
        }
    }

    /** {@code Allow} of each action on each resource (a list, or a single string or intrinsic). */
    static List<Grant> allow(Object actions, Object resources) {
        return allow(actions, resources, null);
    }

    /** {@code Allow} of each action on each resource, under {@code condition}. */
    static List<Grant> allow(Object actions, Object resources, Map<String, Object> condition) {
        List<Grant> grants = new ArrayList<>();
        for (Object action : asList(actions)) {
            for (Object resource : asList(resources)) {
                grants.add(new Grant("Allow", (String) action, json(resource), condition == null ? null : json(condition)));
            }
        }
        return grants;
    }

    /** The logical ids of every {@code AWS::IAM::Role} in the template. */
    Set<String> roleIds() {
        Set<String> ids = new TreeSet<>();
        resources.forEach((id, resource) -> {
            if ("AWS::IAM::Role".equals(resource.get("Type"))) {
                ids.add(id);
            }
        });
        return ids;
    }

    /**
     * The role's grants, each with the policies (logical id, or role id/inline policy name) it
     * comes from, once per time it is granted.
     */
    Map<Grant, List<String>> grantsWithSources(String roleId) {
        Map<String, Object> role = resources.get(roleId);
        if (role == null || !"AWS::IAM::Role".equals(role.get("Type"))) {
            throw new AssertionError("no AWS::IAM::Role " + roleId + " in the template");
        }
        Map<Grant, List<String>> grants = new TreeMap<>(ORDER);
        for (Object inline : asList(properties(role).get("Policies"))) {
            Map<?, ?> policy = (Map<?, ?>) inline;
            addStatements(grants, roleId + "/" + policy.get("PolicyName"), policy.get("PolicyDocument"));
        }
        Object reference = Map.of("Ref", roleId);
        resources.forEach((id, resource) -> {
            Object type = resource.get("Type");
            Map<String, Object> props = properties(resource);
            boolean attached = switch (String.valueOf(type)) {
                case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" -> asList(props.get("Roles")).contains(reference);
                case "AWS::IAM::RolePolicy" -> reference.equals(props.get("RoleName"));
                default -> false;
            };
            if (attached) {
                addStatements(grants, id, props.get("PolicyDocument"));
            }
        });
        return grants;
    }

    /** The role's grants. */
    Set<Grant> grants(String roleId) {
        return grantsWithSources(roleId).keySet();
    }

    /** The role's {@code ManagedPolicyArns}, as JSON. */
    List<String> managedPolicyArns(String roleId) {
        return asList(properties(resources.get(roleId)).get("ManagedPolicyArns")).stream().map(RolePermissions::json).toList();
    }

    /**
     * IAM policy resources attached to anything but roles of this template (users, groups, roles
     * named by string): permissions no role assertion would see.
     */
    List<String> policiesAttachedElsewhere() {
        Set<String> roles = roleIds();
        List<String> found = new ArrayList<>();
        resources.forEach((id, resource) -> {
            String type = String.valueOf(resource.get("Type"));
            if (!type.equals("AWS::IAM::Policy") && !type.equals("AWS::IAM::ManagedPolicy")
                    && !type.equals("AWS::IAM::RolePolicy")) {
                return;
            }
            Map<String, Object> props = properties(resource);
            List<Object> targets = new ArrayList<>(asList(props.get("Roles")));
            if (props.containsKey("RoleName")) {
                targets.add(props.get("RoleName"));
            }
            boolean elsewhere = props.containsKey("Users") || props.containsKey("Groups")
                    || targets.stream().anyMatch(t -> !(t instanceof Map<?, ?> m && roles.contains(m.get("Ref"))));
            if (elsewhere) {
                found.add(id);
            }
        });
        return found;
    }

    /**
     * Fails unless the role holds exactly {@code expected}: nothing missing, nothing more, and no
     * managed policy (whose permissions the template cannot show). {@code owner} says whose role
     * it is in the message.
     */
    @SafeVarargs
    final void assertExactly(String roleId, String owner, Collection<Grant>... expected) {
        Set<Grant> wanted = new TreeSet<>(ORDER);
        for (Collection<Grant> part : expected) {
            wanted.addAll(part);
        }
        Map<Grant, List<String>> actual = grantsWithSources(roleId);
        List<String> problems = new ArrayList<>();
        actual.forEach((grant, sources) -> {
            if (!wanted.contains(grant)) {
                problems.add("  not expected: " + grant + "  (from " + String.join(", ", sources) + ")");
            } else if (sources.size() > 1) {
                // harmless to IAM, but a sign that two pieces of code grant the same thing
                problems.add("  granted " + sources.size() + " times: " + grant + "  (from " + String.join(", ", sources) + ")");
            }
        });
        for (Grant grant : wanted) {
            if (!actual.containsKey(grant)) {
                problems.add("  missing: " + grant);
            }
        }
        for (String arn : managedPolicyArns(roleId)) {
            problems.add("  not expected: managed policy " + arn);
        }
        if (!problems.isEmpty()) {
            fail("permissions of role " + roleId + " (" + owner + ") differ from the documented ones:\n"
                    + String.join("\n", problems));
        }
    }

    private static void addStatements(Map<Grant, List<String>> grants, String source, Object document) {
        if (!(document instanceof Map<?, ?> doc) || !doc.containsKey("Statement")) {
            throw new AssertionError(source + ": policy document is not a plain {\"Statement\": [...]}: " + json(document));
        }
        for (Object item : asList(doc.get("Statement"))) {
            if (!(item instanceof Map<?, ?> statement) || !STATEMENT_KEYS.containsAll(statement.keySet())
                    || !statement.containsKey("Effect")) {
                // Fn::If, Principal, ...: not something the comparison can read; make it visible
                throw new AssertionError(source + ": statement this check cannot read: " + json(item));
            }
            String effect = (String) statement.get("Effect");
            String actionKey = statement.containsKey("NotAction") ? "NotAction" : "Action";
            String resourceKey = statement.containsKey("NotResource") ? "NotResource" : "Resource";
            String condition = statement.containsKey("Condition") ? json(statement.get("Condition")) : null;
            if (asList(statement.get(actionKey)).isEmpty() || asList(statement.get(resourceKey)).isEmpty()) {
                throw new AssertionError(source + ": statement without actions or resources: " + json(item));
            }
            for (Object action : asList(statement.get(actionKey))) {
                for (Object resource : asList(statement.get(resourceKey))) {
                    Grant grant = new Grant(effect,
                            actionKey.equals("Action") ? String.valueOf(action) : "NotAction " + action,
                            resourceKey.equals("Resource") ? json(resource) : "NotResource " + json(resource),
                            condition);
                    grants.computeIfAbsent(grant, g -> new ArrayList<>()).add(source);
                }
            }
        }
    }

    private static List<Object> asList(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return List.copyOf(list);
        }
        return List.of(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> resource) {
        Object props = resource.get("Properties");
        return props == null ? Map.of() : (Map<String, Object>) props;
    }

    private static String json(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
