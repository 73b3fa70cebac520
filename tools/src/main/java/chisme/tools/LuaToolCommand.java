package chisme.tools;

import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * The command line of LibreMesh's Lua tools ({@code shared-state}, {@code shared-state-multiwriter}):
 * {@code ACTION TYPE [PEER...]}, both optional to picocli so that their absence gets the Lua tool's own
 * exit status (234) instead of picocli's usage error.
 */
abstract class LuaToolCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ACTION", arity = "0..1")
    String action;

    @Parameters(index = "1", paramLabel = "TYPE", arity = "0..1")
    String type;

    @Parameters(index = "2..*", paramLabel = "PEER")
    List<String> peers = List.of();
}
