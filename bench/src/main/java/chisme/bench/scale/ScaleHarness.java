package chisme.bench.scale;

import chisme.bench.report.Machine;

import java.util.Arrays;

/**
 * The scale harness (issue 7): not JMH, whole-system figures. Each sub-command prints tables, writes CSV
 * to bench/results/ and PNG plots to docs/plots/ (paths settable with --results= and --plots=).
 * <pre>
 * bench/scale throughput   [--seconds=4 --window=32 --peers=40]
 * bench/scale lookups-udp  [--sizes=16,64,256 --lookups=200 --kill=0.3 --timeout-ms=2000 --stall-ms=250 --loopback=distinct|shared]
 * bench/scale lookups-sim  [--sizes=1000,2000,4000 --lookups=500 --churn=0.3 --seed=42 --table=lookups_sim --lookup-max-per-prefix=3|off]
 * bench/scale bootstrap-sim [--sizes=1000,5000 --scenarios=boot,merge --late=0.2 --values=100 --gets=500 --limit-s=900 --seed=42]
 * bench/scale gossip       [--nodes=50 --inserts=1000 --topologies=line,ring,mesh --shelf-sizes=10,100,1000,10000]
 * bench/scale footprint    [--items=10000 --xmx=64m --starts=3 --nmt=true --router-mem-mib=256
 *                           --profiles=default,router,memory,router-memory[,router-javac][,image,image-memory --image=ROOT]]
 * bench/scale plot         redraws every plot from the CSV tables already in --results (no measuring)
 * bench/scale all          (each of the above with its defaults)
 * </pre>
 */
public final class ScaleHarness {
    private ScaleHarness() {
    }

    public static void main(final String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: bench/scale throughput|lookups-udp|lookups-sim|bootstrap-sim|gossip|footprint|plot|all [--flag=value ...]");
            System.exit(2);
        }
        System.out.println("# " + Machine.describe() + "; command: bench/scale " + String.join(" ", argv));
        final Args args = new Args(argv, 1);
        switch (argv[0]) {
            case "throughput" -> Throughput.run(args);
            case "lookups-udp" -> UdpLookups.run(args);
            case "lookups-sim" -> SimLookups.run(args);
            case "bootstrap-sim" -> BootstrapSim.run(args);
            case "gossip" -> Gossip.run(args);
            case "footprint" -> Footprint.run(args);
            case "plot" -> ReportPlots.run(args);
            case "all" -> {
                Throughput.run(args);
                UdpLookups.run(args);
                SimLookups.run(args);
                Gossip.run(args);
                Footprint.run(args);
            }
            default -> {
                System.err.println("unknown sub-command " + argv[0] + " in " + Arrays.toString(argv));
                System.exit(2);
            }
        }
        args.checkAllUsed();
        System.out.println("# done at load average " + Machine.loadAverage());
        System.exit(0); // node threads of closed nodes are daemons, but do not wait for stragglers
    }
}
