package chisme.store;

import net.openhft.posix.PosixAPI;

import java.nio.ByteOrder;

/**
 * Sets the system properties that keep Chronicle libraries quiet and offline. A router daemon must never
 * open connections nobody asked for (java-platform.md: Chronicle "phones home" and writes a client id
 * to the home directory unless told not to). Chronicle reads these in static initialisers, so every chisme
 * class touching Chronicle calls {@link #init()} from its own static initialiser, before any Chronicle
 * class is initialised. Set unconditionally: not left to the user.
 */
public final class ChronicleRuntime {
    static {
        // Analytics: no outbound traffic, no client id file under ~.
        System.setProperty("chronicle.analytics.disable", "true");
        // The "Chronicle ... loaded" announcer banner on stdout.
        System.setProperty("chronicle.announcer.disable", "true");
        // DiskSpaceMonitor background thread polling the file system of mapped files.
        System.setProperty("chronicle.disk.monitor.disable", "true");
        // Performance hints printed at start.
        System.setProperty("disable.perf.info", "true");
        // Resource tracing (stack trace per mapped resource) costs heap and is for debugging only.
        System.setProperty("jvm.resource.tracing", "false");
        // chronicle-core's Jvm initialiser loads a POSIX binding through jnr-ffi (~390 classes of jnr, jffi and
        // asm, bytecode generated at run time, a native libjffi unpacked to the temp directory) only to warm
        // it up. Chronicle Map uses it for msync alone, which chisme never asks for (no durability promise on
        // power loss: docs/store.md); the no-op binding returns 0 there. Must run before Jvm initialises.
        PosixAPI.useNoOpPosixApi();
        // chronicle-core's Jvm initialiser asks slf4j for a logger. Without a provider named here slf4j runs a
        // ServiceLoader over every jar of the class path (opening each, ~20 on a node) to find none, and falls back
        // to this same no-op provider (issue 16, session 7: start CPU). An operator who adds a binding names it
        // with -Dslf4j.provider=..., which wins.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        }
    }

    private ChronicleRuntime() {
    }

    /**
     * Runs the static initialiser once (idempotent) and checks the platform. The record layouts are
     * little-endian in native order; a big-endian platform would read persisted files wrongly.
     */
    public static void init() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new StoreException(null, "chisme stores need a little-endian platform (x86-64, aarch64)");
        }
    }
}
