package chisme.node.kademlia;

import chisme.node.event.EventType;
import chisme.node.metrics.CounterId;
import chisme.node.routing.Contact;
import chisme.node.transport.Scheduler;
import chisme.wire.NodeId;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Bootstrap that never gives up (issue 11), on the node thread. An attempt pings every source of contacts
 * not already in the table: the {@code join} addresses (resolved again each time by a {@link JoinResolver}),
 * the saved contacts and the neighbours offered by discovery ({@link #offerCandidate}). PONGs are verified
 * replies, so the dispatcher's observer puts the answering nodes in the table; then the node looks itself
 * up and refreshes the farther buckets (xlattice "Join"). A failed attempt is retried with exponential
 * backoff and jitter: {@link KademliaConfig#joinRetryMinMs()} doubling up to
 * {@link KademliaConfig#joinRetryMaxMs()} (OpenDHT retries from 10 s doubling; a boot storm of routers
 * needs a faster start). Joined, the node still retries join addresses that never answered (they may lead
 * to another island), and goes back to retrying if the table empties
 * (libtorrent re-bootstraps whenever its table empties).
 * <p>
 * The first contact gets a longer timeout ({@link KademliaConfig#firstContactTimeoutMs()}): a process that
 * is still starting answers late, and a PONG after the timeout was thrown away as unsolicited.
 */
final class Bootstrapper {
    /** Discovered neighbours remembered as sources (bounded: discovery may offer many). */
    private static final int MAX_CANDIDATES = 64;
    /** Candidate PINGs in flight at once. */
    private static final int MAX_CANDIDATE_PINGS = 16;
    /** Saved contacts pinged per attempt: a saved file may list hundreds. */
    private static final int MAX_SAVED_PER_ATTEMPT = 64;

    private final KademliaEngine engine;
    private final KademliaConfig config;
    private final LinkedHashSet<InetSocketAddress> candidates = new LinkedHashSet<>();
    private final Set<InetSocketAddress> candidatePings = new HashSet<>();
    /** Join addresses that answered at least once. */
    private final Set<InetSocketAddress> reachedJoins = new HashSet<>();
    private final List<Consumer<JoinState>> listeners = new ArrayList<>();
    private JoinResolver resolver = JoinResolver.NONE;
    private List<InetSocketAddress> saved = List.of();
    private List<InetSocketAddress> lastJoinAddresses = List.of();
    private boolean started;
    private boolean attemptRunning;
    private boolean againAfterAttempt;
    private boolean joined;
    private int attempts;
    private int backoffStep;
    private long nextAttemptAtMs;
    private long joinedAtMs;
    private String lastFailure = "";
    private Scheduler.Cancellable timer;

    Bootstrapper(final KademliaEngine engine) {
        this.engine = engine;
        this.config = engine.config();
    }

    /** Starts attempting now; later calls replace the sources and attempt again. */
    void start(final JoinResolver joinResolver, final List<InetSocketAddress> savedContacts) {
        this.resolver = joinResolver;
        // Saved contacts: routable unicast only (issue 12 item 7: a contacts file is not an operator's choice).
        final List<InetSocketAddress> usable = new ArrayList<>();
        for (final InetSocketAddress a : savedContacts) {
            if (RoutableSeeds.routable(a, engine.localAddress())) {
                usable.add(a);
            } else {
                engine.counters().increment(CounterId.SEEDS_UNROUTABLE);
            }
        }
        this.saved = List.copyOf(usable);
        this.started = true;
        attemptSoon(0);
    }

    /** Called on every change of phase (node thread). */
    void onChange(final Consumer<JoinState> listener) {
        listeners.add(listener);
    }

    void stop() {
        started = false;
        cancelTimer();
    }

    JoinState state() {
        final JoinState.Phase phase;
        if (joined && engine.table().size() > 0) {
            phase = JoinState.Phase.JOINED;
        } else if (!started || (!attemptRunning && timer == null)) {
            phase = JoinState.Phase.ALONE;
        } else {
            phase = JoinState.Phase.RETRYING;
        }
        return new JoinState(phase, attempts, timer == null ? 0 : nextAttemptAtMs, lastFailure, engine.table().size(), joinedAtMs);
    }

    /**
     * A possible peer learnt from discovery: pinged first (bounded, counted); its PONG puts it in the table
     * through the observer. If it answers while we are not joined, an attempt runs through it at once.
     */
    void offerCandidate(final InetSocketAddress address) {
        engine.counters().increment(CounterId.CANDIDATES_OFFERED);
        if (!RoutableSeeds.routable(address, engine.localAddress()) || address.equals(engine.localAddress())
            || engine.table().find(address) != null || candidatePings.size() >= MAX_CANDIDATE_PINGS
            || !candidatePings.add(address)) {
            engine.counters().increment(CounterId.CANDIDATES_DROPPED);
            return;
        }
        ping(address, config.rpcTimeoutMs(), id -> {
            candidatePings.remove(address);
            if (id == null) {
                return;
            }
            engine.counters().increment(CounterId.CANDIDATES_VERIFIED);
            candidates.remove(address);
            candidates.add(address); // most recent last; the oldest leaves first
            if (candidates.size() > MAX_CANDIDATES) {
                candidates.remove(candidates.iterator().next());
            }
            if (!joined || small()) {
                attemptSoon(0);
            }
        });
    }

    /**
     * A contact entered the table. Not joined yet (our own sources are silent or missing, but someone joined
     * through us): attempt now instead of after the backoff; the attempt's self-lookup goes through it.
     */
    void onContactAdded() {
        if (started && !joined && !attemptRunning) {
            attemptSoon(0);
        }
    }

    /** A successful explicit join (admin {@code join}) counts as joined too. */
    void joinedExplicitly() {
        markJoined("explicit join");
    }

    private void attemptSoon(final long delayMs) {
        if (!started) {
            return;
        }
        if (attemptRunning) {
            againAfterAttempt = true;
            return;
        }
        cancelTimer();
        nextAttemptAtMs = engine.clock().nowMs() + delayMs;
        timer = engine.scheduler().schedule(delayMs, this::attempt);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void attempt() {
        timer = null;
        if (!started || !engine.running()) {
            return;
        }
        attemptRunning = true;
        attempts++;
        engine.counters().increment(CounterId.JOIN_ATTEMPTS);
        resolver.resolve(joinAddresses -> {
            if (!started || !engine.running()) {
                attemptRunning = false;
                return;
            }
            lastJoinAddresses = List.copyOf(joinAddresses);
            pingSources(sources(joinAddresses));
        });
    }

    /** Join addresses, discovered candidates, then saved contacts, without those already in the table or ourselves. */
    private List<InetSocketAddress> sources(final List<InetSocketAddress> joinAddresses) {
        final LinkedHashSet<InetSocketAddress> all = new LinkedHashSet<>(joinAddresses);
        all.addAll(candidates);
        if (small()) {
            int n = 0;
            for (final InetSocketAddress s : saved) {
                if (n++ >= MAX_SAVED_PER_ATTEMPT) {
                    break;
                }
                all.add(s);
            }
        }
        all.remove(engine.localAddress());
        all.removeIf(a -> engine.table().find(a) != null);
        return new ArrayList<>(all);
    }

    private void pingSources(final List<InetSocketAddress> sources) {
        if (sources.isEmpty()) {
            // Nothing new to ask. Contacts we already have (others joined through us) still make a self-lookup worthwhile.
            finishAttempt(0, List.of());
            return;
        }
        final int[] pending = {sources.size()};
        final List<Contact> answered = new ArrayList<>();
        for (final InetSocketAddress s : sources) {
            engine.counters().increment(CounterId.JOIN_SOURCES_PINGED);
            ping(s, Math.max(config.rpcTimeoutMs(), config.firstContactTimeoutMs()), id -> {
                if (id != null) {
                    answered.add(new Contact(id, s));
                    if (lastJoinAddresses.contains(s)) {
                        reachedJoins.add(s);
                    }
                }
                if (--pending[0] == 0) {
                    finishAttempt(sources.size(), answered);
                }
            });
        }
    }

    private void finishAttempt(final int asked, final List<Contact> answered) {
        if (!started || !engine.running()) {
            attemptRunning = false;
            return;
        }
        if (engine.table().size() == 0) {
            attemptFailed(asked == 0 ? "no source of contacts (no join address, saved contact or discovered neighbour)"
                : "no contact answered: " + asked + " addresses tried");
            return;
        }
        // Someone answered, or contacts that reached us meanwhile can take us in: look ourselves up through them
        // (through the sources that answered: they may belong to a network our table knows nothing of).
        final int before = engine.table().size();
        engine.selfLookupAndRefresh(answered, size -> {
            if (!started || !engine.running()) {
                attemptRunning = false;
                return;
            }
            if (size == 0) {
                attemptFailed("contacts stopped answering during the self-lookup");
                return;
            }
            if (joined && size > before) {
                backoffStep = 0; // still finding new nodes: look again soon
            }
            markJoined(answered.size() + " of " + asked + " sources answered, " + (size - before) + " new contacts");
            attemptRunning = false;
            scheduleFollowUp();
        });
    }

    private void attemptFailed(final String why) {
        attemptRunning = false;
        lastFailure = why;
        engine.counters().increment(CounterId.JOIN_ATTEMPTS_FAILED);
        final boolean hadSources = hasSources();
        if (!hadSources && !againAfterAttempt) {
            engine.events().record(engine.clock().nowMs(), EventType.JOIN, "join attempt " + attempts + " failed: " + why
                + "; alone until a neighbour is offered");
            notifyListeners();
            return;
        }
        final long delay = backoffMs();
        engine.events().record(engine.clock().nowMs(), EventType.JOIN, "join attempt " + attempts + " failed: " + why
            + "; next in " + delay + " ms");
        if (againAfterAttempt) {
            againAfterAttempt = false;
            attemptSoon(0);
        } else {
            attemptSoon(delay);
        }
        notifyListeners();
    }

    private boolean hasSources() {
        return !lastJoinAddresses.isEmpty() || !candidates.isEmpty() || !saved.isEmpty() || resolver != JoinResolver.NONE;
    }

    /**
     * After a success: retry join addresses that never answered (they may
     * be another island's), else check back at the longest backoff in case the table empties.
     */
    private void scheduleFollowUp() {
        if (againAfterAttempt) {
            againAfterAttempt = false;
            attemptSoon(0);
            return;
        }
        // However many contacts we have, a join address that never answered may lead to another island; and
        // with fewer than k contacts we may sit in a small island that joined a larger network through one of
        // its members (only that member heard of it): attempts with no source left are self-lookups.
        final boolean unreached = !reachedJoins.containsAll(lastJoinAddresses);
        if (unreached || small()) {
            attemptSoon(backoffMs());
        } else {
            cancelTimer();
            timer = engine.scheduler().schedule(config.joinRetryMaxMs(), this::healthCheck);
            nextAttemptAtMs = 0;
        }
    }

    /**
     * The table may be a small island: fewer than k contacts, or a single bucket that never split (we never heard
     * of more than k nodes). Measured (docs/benchmarks.md, issue 11 session 5): a 5,000-node boot left cliques
     * of k + 1 nodes that each knew exactly the other k, so "fewer than k" never held and their top-up
     * self-lookups stopped, although one member had joined the large network and could lead them into it.
     */
    private boolean small() {
        return engine.table().size() < config.k() || engine.table().bucketCount() == 1;
    }

    /** Joined: if the table emptied meanwhile (every contact gone), start retrying from the fastest step again. */
    private void healthCheck() {
        timer = null;
        if (!started || !engine.running()) {
            return;
        }
        if (engine.table().size() == 0) {
            joined = false;
            backoffStep = 0;
            lastFailure = "routing table emptied";
            engine.events().record(engine.clock().nowMs(), EventType.JOIN, "routing table empty: bootstrapping again");
            notifyListeners();
            attemptSoon(0);
        } else {
            scheduleFollowUp();
        }
    }

    private void markJoined(final String how) {
        final boolean wasJoined = joined;
        joined = true;
        engine.counters().increment(CounterId.JOIN_SUCCEEDED);
        if (wasJoined) {
            // A follow-up attempt (top-up or retry of a silent join address): recorded, but not as a JOIN, so
            // the daemon's log hears of joins, failures and empty tables, not of every top-up.
            engine.events().record(engine.clock().nowMs(), EventType.REFRESH, "join attempt " + attempts + " (joined): "
                + how + ", " + engine.table().size() + " contacts");
            return;
        }
        joinedAtMs = engine.clock().nowMs();
        backoffStep = 0; // later retries of unreached join addresses and top-ups back off again from the start
        engine.events().record(joinedAtMs, EventType.JOIN, "joined: " + engine.table().size() + " contacts (attempt " + attempts
            + ", " + how + ")");
        engine.onJoined();
        notifyListeners();
    }

    /** Exponential backoff with jitter: min doubling per step up to max, plus up to half of it at random. */
    private long backoffMs() {
        final int step = Math.min(backoffStep++, 30);
        final long base = Math.min(config.joinRetryMaxMs(), config.joinRetryMinMs() << step);
        return base + engine.random().nextLong(base / 2 + 1);
    }

    private void notifyListeners() {
        if (listeners.isEmpty()) {
            return;
        }
        final JoinState s = state();
        for (final Consumer<JoinState> l : listeners) {
            l.accept(s);
        }
    }

    /** PING with {@code timeoutMs}; {@code done} gets the id from the PONG's header, or null. */
    private void ping(final InetSocketAddress to, final long timeoutMs, final Consumer<NodeId> done) {
        engine.identify(to, timeoutMs, done);
    }
}
