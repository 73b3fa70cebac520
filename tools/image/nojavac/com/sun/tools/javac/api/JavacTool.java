package com.sun.tools.javac.api;

import javax.tools.JavaCompiler;
import java.lang.reflect.Proxy;

/**
 * Stand-in for javac's tool class in a chisme runtime image that leaves out the jdk.compiler module (~19 MB).
 * <p>
 * Why: Chronicle Map's value models (chronicle-values) initialise the OpenHFT compiler utility even when the
 * class they would generate is on the class path (chisme ships it: store module,
 * {@code VanillaGlobalMutableState$$Native}); that utility asks {@code ToolProvider} for the system compiler
 * and, finding none, loads {@code com.sun.tools.javac.api.JavacTool} by name and fails with an
 * AssertionError. With jdk.compiler in the runtime the JDK's own class wins (its package belongs to a named
 * module, so this copy on the class path is never loaded); without it, this one is found and returns a
 * compiler that refuses every call, naming the reason. Nothing compiles at run time in chisme, so no call
 * is expected. Compiled by tools/image/build-image.sh only, against java.base and java.compiler.
 */
public final class JavacTool {
    private JavacTool() {
    }

    public static JavaCompiler create() {
        return (JavaCompiler) Proxy.newProxyInstance(JavacTool.class.getClassLoader(), new Class<?>[] {JavaCompiler.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "toString" -> "chisme: no Java compiler in this runtime image";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException("chisme's runtime image has no Java compiler (jdk.compiler"
                    + " left out); Chronicle asked for one: " + method.getName() + " (a class it generates is missing from the store jar?)");
            });
    }
}
