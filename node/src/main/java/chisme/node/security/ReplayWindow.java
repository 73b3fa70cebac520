package chisme.node.security;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rejects replayed datagrams (RFC 4303 section 3.4.3 / RFC 6479 style sliding window of 64 counters).
 * A sender's nonce is (session, counter): the session is drawn at random when its sealer starts, the
 * counter counts up. Per source address the last {@link #SESSIONS_PER_SOURCE} sessions are remembered
 * with the highest counter seen and a bitmap of the 64 below it; a datagram whose counter was seen or is
 * older than the window is dropped before any cryptography. The table is bounded (least recently used
 * sources forgotten); only authenticated datagrams update it, so a flood of forgeries cannot evict
 * honest senders. Node thread only.
 * <p>
 * What it does not stop: a datagram captured in a session this node has forgotten (more than two sender
 * restarts ago, or its source evicted from the table) is accepted once more (docs/security.md).
 */
public final class ReplayWindow {
    static final int SESSIONS_PER_SOURCE = 2;
    private static final int WINDOW = 64;
    private final int maxSources;
    private final LinkedHashMap<InetSocketAddress, Session[]> sources;

    public ReplayWindow(final int maxSources) {
        this.maxSources = maxSources;
        this.sources = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<InetSocketAddress, Session[]> eldest) {
                return size() > ReplayWindow.this.maxSources;
            }
        };
    }

    private static final class Session {
        long id;
        long highest = -1;
        long seen; // bit i: counter (highest - i) seen
    }

    /** True when (session, counter) from {@code source} may be new; nothing is recorded. */
    public boolean fresh(final InetSocketAddress source, final long session, final long counter) {
        final Session[] s = sources.get(source);
        if (s == null) {
            return true;
        }
        for (final Session x : s) {
            if (x != null && x.id == session) {
                return isFresh(x, counter);
            }
        }
        return true;
    }

    /** Records an authenticated (session, counter); call only after the datagram passed its check. */
    public void mark(final InetSocketAddress source, final long session, final long counter) {
        Session[] s = sources.get(source);
        if (s == null) {
            s = new Session[SESSIONS_PER_SOURCE];
            sources.put(source, s);
        }
        Session x = null;
        for (final Session c : s) {
            if (c != null && c.id == session) {
                x = c;
            }
        }
        if (x == null) {
            // A new session (the sender restarted): it replaces the oldest remembered one.
            x = new Session();
            x.id = session;
            System.arraycopy(s, 0, s, 1, s.length - 1);
            s[0] = x;
        }
        if (counter > x.highest) {
            final long shift = counter - x.highest;
            x.seen = shift >= WINDOW ? 1 : (x.seen << shift) | 1;
            x.highest = counter;
        } else {
            x.seen |= 1L << (x.highest - counter);
        }
    }

    private static boolean isFresh(final Session x, final long counter) {
        if (counter > x.highest) {
            return true;
        }
        final long back = x.highest - counter;
        return back < WINDOW && (x.seen & (1L << back)) == 0;
    }

    /** Sources remembered now. */
    public int size() {
        return sources.size();
    }
}
