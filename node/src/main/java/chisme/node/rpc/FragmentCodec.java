package chisme.node.rpc;

import chisme.wire.HeaderFlyweight;

/**
 * Offsets of the FRAGMENT frame (wire.md type 0x30), little-endian, after the 32-byte header:
 * <pre>
 *  32 message id u32 | 36 total length u32 | 40 index u16 | 42 count u16 | 44 payload
 * </pre>
 * The payload is a slice of the complete original message (header included); every fragment but the
 * last carries the same payload length, so the slice of fragment i starts at i * that length.
 */
final class FragmentCodec {
    static final int MESSAGE_ID_OFFSET = HeaderFlyweight.LENGTH;
    static final int TOTAL_LENGTH_OFFSET = MESSAGE_ID_OFFSET + 4;
    static final int INDEX_OFFSET = TOTAL_LENGTH_OFFSET + 4;
    static final int COUNT_OFFSET = INDEX_OFFSET + 2;
    static final int PAYLOAD_OFFSET = COUNT_OFFSET + 2;

    private FragmentCodec() {
    }
}
