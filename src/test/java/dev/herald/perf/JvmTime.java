package dev.herald.perf;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where this JVM's time went between two readings: the JIT compiler, GC, and the process as a
 * whole. On 2 cores the JIT takes a core's worth for the first minute of a run, so a short step
 * measures it as much as the system under test.
 *
 * <p>{@code jitS} is the JVM's own figure ({@link CompilationMXBean#getTotalCompilationTime}): the
 * time compilations took, summed over the compiler threads — elapsed time, so on a machine with
 * more runnable threads than cores it includes time they waited for one, and it can exceed the
 * step. {@code jitCpuS} is the CPU the compiler threads used (from /proc on Linux; -1 elsewhere),
 * which is what the JIT took from the system under test.
 */
record JvmTime(double jitS, double jitCpuS, double gcS, double cpuS, double wallS) {

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    private static final List<GarbageCollectorMXBean> GCS = ManagementFactory.getGarbageCollectorMXBeans();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    /** Linux's clock tick (USER_HZ), which /proc/…/stat counts in: 100 on every mainstream kernel. */
    private static final double TICK_S = 0.01;

    /** A reading to measure from. */
    record Mark(long jitMs, long jitCpuTicks, long gcMs, long cpuNs, long nanos) {

        JvmTime since() {
            Mark now = mark();
            return new JvmTime((now.jitMs - jitMs) / 1000.0, jitCpuTicks < 0 || now.jitCpuTicks < 0 ? -1
                    : Math.max(0, now.jitCpuTicks - jitCpuTicks) * TICK_S, (now.gcMs - gcMs) / 1000.0, (now.cpuNs - cpuNs) / 1e9,
                    (now.nanos - nanos) / 1e9);
        }
    }

    static Mark mark() {
        return new Mark(JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0, compilerTicks(),
                GCS.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum(), OS.getProcessCpuTime(),
                System.nanoTime());
    }

    /** "JIT 4.2 s (CPU 1.9 s)  GC 0.1 s  CPU 14.0 s in 10.3 s" */
    String line() {
        return String.format("JIT %4.1f s (CPU %s)  GC %3.1f s  CPU %4.1f s in %4.1f s", jitS,
                jitCpuS < 0 ? "n/a" : String.format("%3.1f s", jitCpuS), gcS, cpuS, wallS);
    }

    /**
     * CPU ticks of the live compiler threads (C1, C2), or -1 without /proc. A compiler thread the
     * JVM retires takes its ticks with it, so across a long interval this can undercount.
     */
    private static long compilerTicks() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) return -1;
        long ticks = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
            for (Path t : ds) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    if (!comm.contains("CompilerThre")) continue;
                    String stat = Files.readString(t.resolve("stat"));
                    // After the command's closing parenthesis: state is field 3, utime 14 and stime 15.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException gone) {
                    // The thread ended while we looked.
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks;
    }
}
