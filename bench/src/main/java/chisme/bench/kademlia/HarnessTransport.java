package chisme.bench.kademlia;

import chisme.node.transport.DatagramHandler;
import chisme.node.transport.Transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A harness's transport: the engine's datagram handler kept for feeding it, sends left to the subclass. */
abstract class HarnessTransport implements Transport {
    DatagramHandler handler;

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 4000);
    }

    @Override
    public void start(final DatagramHandler h) {
        this.handler = h;
    }

    @Override
    public void close() {
    }
}
