package chisme.node.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A node's data directory, owner-only (0700: it holds the admin socket, so its permissions are what
 * keeps other local users off the admin channel), locked so two daemons never share it.
 */
public final class DataDirectory implements AutoCloseable {
    /** Lock file name; held with an OS file lock for the daemon's life. */
    public static final String LOCK_NAME = "node.lock";
    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(final Path dir, final FileChannel lockChannel, final FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates (0700) and locks {@code dir}; throws IOException with a one-line reason when another node holds it. */
    public static DataDirectory open(final Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        final FileChannel ch = FileChannel.open(dir.resolve(LOCK_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        final FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (final IOException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("another chisme node is already running with data directory " + dir);
        }
        return new DataDirectory(dir, ch, lock);
    }

    public Path path() {
        return dir;
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (final IOException ignored) {
            // the OS drops the lock when the process ends anyway
        }
    }
}
