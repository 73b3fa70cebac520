package chisme.tools;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;

/** Base of every command: gives access to the run's streams ({@link CliContext}). */
public abstract class CliCommand {
    @Spec
    protected CommandSpec spec;

    /** Set by {@link Chisme}'s factory when the command object is created. */
    CliContext ctx = CliContext.system();

    protected PrintStream out() {
        return ctx.out();
    }

    protected PrintStream err() {
        return ctx.err();
    }
}
