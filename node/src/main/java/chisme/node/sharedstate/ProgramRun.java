package chisme.node.sharedstate;

import java.nio.file.Path;

/**
 * One finished hook, publisher or discovery execution, as reported to listeners and the event log.
 *
 * @param shelf      the hook's shelf; null for publishers
 * @param executable the program run
 * @param exitCode   its exit status, -1 when killed or not started
 * @param timedOut   true when it was killed after the timeout
 * @param output     first 2 KiB of stdout and stderr
 * @param stdin      what it was fed (the shelf JSON for hooks)
 */
public record ProgramRun(String shelf, Path executable, int exitCode, boolean timedOut, String output, byte[] stdin) {
    /** Exit status 0 within the timeout. */
    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }
}
