package chisme.node.event;

/** Kinds of events the node records for the `logs` command. */
public enum EventType {
    START, STOP, JOIN, LOOKUP, PUBLISH, GET, STORE, EXPIRE, REPLICATE, REPUBLISH, REFRESH, CONTACT, DROP, ERROR, DISK
}
