package com.smuscicd.lambda;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which classes a class file names, read from its constant pool: class entries, and every type
 * written as a descriptor ({@code Lpkg/Name;}) in its UTF-8 entries (field and method
 * descriptors, method types, signatures: the JVM may load those to link or verify a call). A superset of
 * what the class can load at run time, so "every class reachable from the handler is in its jar"
 * is a safe check of a per-function jar. Reflection and service loading are not seen; the
 * handlers use neither across the SDKs a jar leaves out.
 */
final class ClassReferences {

    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([\\w/$]+);");

    private ClassReferences() {
    }

    /** The internal names ({@code a/b/C}) a class file refers to. */
    static Set<String> of(byte[] classFile) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalArgumentException("not a class file");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            Set<Integer> classNames = new HashSet<>();
            Set<Integer> descriptors = new HashSet<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classNames.add(in.readUnsignedShort());
                    case 8, 16, 19, 20 -> in.readUnsignedShort(); // String, MethodType, Module, Package
                    case 3, 4 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++; // 8-byte constants take two slots
                    }
                    case 9, 10, 11, 17, 18 -> in.readInt(); // member refs, (Invoke)Dynamic
                    case 12 -> {
                        in.readUnsignedShort();
                        descriptors.add(in.readUnsignedShort());
                    }
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
                }
            }
            Set<String> names = new TreeSet<>();
            for (int index : classNames) {
                String name = utf8[index];
                if (name.startsWith("[")) {
                    addDescriptorTypes(name, names);
                } else {
                    names.add(name);
                }
            }
            for (int index : descriptors) {
                addDescriptorTypes(utf8[index], names);
            }
            // Descriptors of the class's own fields and methods, method types and signatures are
            // UTF-8 entries too: reading every entry as a possible descriptor over-approximates,
            // which is the safe side for this check.
            for (String text : utf8) {
                if (text != null && text.indexOf(';') > 0) {
                    addDescriptorTypes(text, names);
                }
            }
            return names;
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable class file", e);
        }
    }

    /**
     * Walks from {@code root} through every class it names that {@code classes} holds; returns the
     * names that were reached but are not in {@code classes}, each with one class that names it.
     */
    static Map<String, String> missingFrom(Map<String, byte[]> classes, String root, Set<String> reached) {
        Map<String, String> missing = new TreeMap<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(root);
        reached.add(root);
        while (!queue.isEmpty()) {
            String current = queue.poll();
            byte[] bytes = classes.get(current);
            if (bytes == null) {
                continue;
            }
            for (String name : of(bytes)) {
                if (classes.containsKey(name)) {
                    if (reached.add(name)) {
                        queue.add(name);
                    }
                } else {
                    missing.putIfAbsent(name, current);
                }
            }
        }
        return missing;
    }

    private static void addDescriptorTypes(String descriptor, Set<String> names) {
        if (descriptor == null) {
            return;
        }
        Matcher m = DESCRIPTOR_TYPE.matcher(descriptor);
        while (m.find()) {
            names.add(m.group(1));
        }
    }
}
