package chisme.bench.sharedstate;

/**
 * The books every gossip benchmark inserts: dnsmasq-hosts entries as LibreMesh publishes them, keyed by
 * IPv4 address, ~95 bytes of JSON each ({@code "10.0.0.7":{"host":"node-7","mac":"02:00:00:00:00:07"}}).
 */
public final class HostsBooks {
    private HostsBooks() {
    }

    /** Books {@code from} .. {@code from + count - 1} as one JSON object, the input of a shared-state insert. */
    public static String json(final int from, final int count) {
        final StringBuilder sb = new StringBuilder("{");
        for (int i = from; i < from + count; i++) {
            if (i > from) {
                sb.append(',');
            }
            sb.append("\"10.").append(i >> 16 & 255).append('.').append(i >> 8 & 255).append('.').append(i & 255)
                .append("\":{\"host\":\"node-").append(i).append("\",\"mac\":\"02:00:00:")
                .append(String.format("%02x:%02x:%02x", i >> 16 & 255, i >> 8 & 255, i & 255)).append("\"}");
        }
        return sb.append('}').toString();
    }
}
