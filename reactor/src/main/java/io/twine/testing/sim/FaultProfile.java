package io.twine.testing.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * What a simulated network does to the traffic it carries: how slow and uneven it is, how it cuts
 * the bytes of a stream into reads, how small the kernel's buffers are, and how often it fails.
 * Every choice these settings leave open is drawn from the {@link Simulation}'s one seeded random
 * source, so the same seed makes the same choices.
 *
 * <p>{@link #NONE} is a network that never fails and never splits: fast, in order, reads as large
 * as what arrived. {@link #HOSTILE} does everything below, often. {@link #withoutFailures()}
 * keeps a profile's slowness and splitting but loses nothing: no refused or timed-out connect, no
 * reset, no lost datagram; for tests that check every byte arrives.
 *
 * <p>Probabilities are between 0 and 1. Immutable: each {@code with...} returns a copy.
 *
 * <ul>
 *   <li><b>Latency</b>: each connection (and each datagram port pair) draws a one-way latency in
 *       {@code [minLatency, maxLatency]}; every segment adds up to {@code jitter} more. A stream's
 *       segments still arrive in order.</li>
 *   <li><b>Bandwidth</b>: each link draws bytes per second in {@code [minBandwidth, maxBandwidth]};
 *       0 means unlimited.</li>
 *   <li><b>Reads</b>: with probability {@code splitReadProbability} a read is cut to a random size
 *       (a third of those to a single byte); otherwise it takes everything that arrived, up to
 *       64 KiB.</li>
 *   <li><b>Kernel buffers</b>: each direction of a connection draws a window in
 *       {@code [minKernelBuffer, maxKernelBuffer]} bytes: what may be sent and not yet read by the
 *       peer. A small window means partial writes, a growing write buffer and paused producers;
 *       with {@code splitWriteProbability} a write takes only part of the room there is.</li>
 *   <li><b>Stalls</b>: with {@code stallProbability} per read a receiver stops reading for up to
 *       {@code maxStall} (a peer that stops reading for a while).</li>
 *   <li><b>Failures</b>: a connect is refused with {@code refuseProbability}, its SYN is lost (so
 *       it times out) with {@code connectTimeoutProbability}, and an established connection is reset
 *       at a random moment within {@code resetWindow} with {@code resetProbability}.</li>
 *   <li><b>Datagrams</b>: each is lost with {@code lossProbability}, sent twice with
 *       {@code duplicateProbability}, delayed by up to {@code reorderDelay} more (so overtaken)
 *       with {@code reorderProbability}, and cut to {@code maxDatagramSize} bytes if larger.</li>
 * </ul>
 *
 * <p>Thread: immutable, safe anywhere.
 */
public final class FaultProfile {

    private static final Duration MILLI = Duration.ofMillis(1);

    /** A network that never fails and never splits: 1 ms links, reads as large as what arrived. */
    public static final FaultProfile NONE = new FaultProfile(MILLI, MILLI, Duration.ZERO, 0, 0,
            0, 1 << 20, 1 << 20, 0, 0, Duration.ZERO, 0, 0, 0, Duration.ofSeconds(10), 0, 0, 0, Duration.ZERO, 65_507);

    /**
     * A network that does everything, often: 1 to 50 ms links with 20 ms of jitter, 10 KB/s to
     * 10 MB/s, reads split most of the time, windows of 1 to 64 bytes, stalls of up to half a
     * second, 10% of connects refused and 5% timed out, 10% of connections reset within 3 s, and
     * datagrams lost (10%), duplicated (5%), reordered (20%) and truncated to 512 bytes.
     */
    public static final FaultProfile HOSTILE = new FaultProfile(MILLI, Duration.ofMillis(50), Duration.ofMillis(20),
            10_000, 10_000_000, 0.7, 1, 64, 0.5, 0.05, Duration.ofMillis(500), 0.1, 0.05, 0.1, Duration.ofSeconds(3),
            0.1, 0.05, 0.2, Duration.ofMillis(30), 512);

    private final Duration minLatency;
    private final Duration maxLatency;
    private final Duration jitter;
    private final long minBandwidth;
    private final long maxBandwidth;
    private final double splitReadProbability;
    private final int minKernelBuffer;
    private final int maxKernelBuffer;
    private final double splitWriteProbability;
    private final double stallProbability;
    private final Duration maxStall;
    private final double refuseProbability;
    private final double connectTimeoutProbability;
    private final double resetProbability;
    private final Duration resetWindow;
    private final double lossProbability;
    private final double duplicateProbability;
    private final double reorderProbability;
    private final Duration reorderDelay;
    private final int maxDatagramSize;

    private FaultProfile(Duration minLatency, Duration maxLatency, Duration jitter, long minBandwidth, long maxBandwidth,
            double splitReadProbability, int minKernelBuffer, int maxKernelBuffer, double splitWriteProbability,
            double stallProbability, Duration maxStall, double refuseProbability, double connectTimeoutProbability,
            double resetProbability, Duration resetWindow, double lossProbability, double duplicateProbability,
            double reorderProbability, Duration reorderDelay, int maxDatagramSize) {
        this.minLatency = minLatency;
        this.maxLatency = maxLatency;
        this.jitter = jitter;
        this.minBandwidth = minBandwidth;
        this.maxBandwidth = maxBandwidth;
        this.splitReadProbability = splitReadProbability;
        this.minKernelBuffer = minKernelBuffer;
        this.maxKernelBuffer = maxKernelBuffer;
        this.splitWriteProbability = splitWriteProbability;
        this.stallProbability = stallProbability;
        this.maxStall = maxStall;
        this.refuseProbability = refuseProbability;
        this.connectTimeoutProbability = connectTimeoutProbability;
        this.resetProbability = resetProbability;
        this.resetWindow = resetWindow;
        this.lossProbability = lossProbability;
        this.duplicateProbability = duplicateProbability;
        this.reorderProbability = reorderProbability;
        this.reorderDelay = reorderDelay;
        this.maxDatagramSize = maxDatagramSize;
    }

    private FaultProfile copy(Duration minLatency, Duration maxLatency, Duration jitter, long minBandwidth,
            long maxBandwidth, double splitReadProbability, int minKernelBuffer, int maxKernelBuffer,
            double splitWriteProbability, double stallProbability, Duration maxStall, double refuseProbability,
            double connectTimeoutProbability, double resetProbability, Duration resetWindow, double lossProbability,
            double duplicateProbability, double reorderProbability, Duration reorderDelay, int maxDatagramSize) {
        return new FaultProfile(minLatency, maxLatency, jitter, minBandwidth, maxBandwidth, splitReadProbability,
                minKernelBuffer, maxKernelBuffer, splitWriteProbability, stallProbability, maxStall, refuseProbability,
                connectTimeoutProbability, resetProbability, resetWindow, lossProbability, duplicateProbability,
                reorderProbability, reorderDelay, maxDatagramSize);
    }

    /**
     * This profile's timing, splitting and buffers with no failure at all: nothing refused, timed
     * out, reset or lost.
     *
     * @return a copy without failures
     */
    public FaultProfile withoutFailures() {
        return copy(minLatency, maxLatency, jitter, minBandwidth, maxBandwidth, splitReadProbability,
                minKernelBuffer, maxKernelBuffer, splitWriteProbability, stallProbability, maxStall, 0, 0, 0,
                resetWindow, 0, duplicateProbability, reorderProbability, reorderDelay, Math.max(maxDatagramSize, 65_507));
    }

    /**
     * One-way latency drawn per link in {@code [min, max]}, plus up to {@code jitter} per segment.
     *
     * @param min the shortest latency
     * @param max the longest latency
     * @param jitter the most added to one segment
     * @return a copy with that latency
     */
    public FaultProfile withLatency(Duration min, Duration max, Duration jitter) {
        requireOrdered(min, max, "latency");
        return copy(min, max, nonNegative(jitter, "jitter"), minBandwidth, maxBandwidth, splitReadProbability,
                minKernelBuffer, maxKernelBuffer, splitWriteProbability, stallProbability, maxStall, refuseProbability,
                connectTimeoutProbability, resetProbability, resetWindow, lossProbability, duplicateProbability,
                reorderProbability, reorderDelay, maxDatagramSize);
    }

    /**
     * Bytes per second drawn per link in {@code [min, max]}; 0 and 0 for unlimited.
     *
     * @param min the lowest rate, bytes per second
     * @param max the highest rate, bytes per second
     * @return a copy with that bandwidth
     */
    public FaultProfile withBandwidth(long min, long max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("need 0 <= min <= max, got " + min + " and " + max);
        }
        return copy(minLatency, maxLatency, jitter, min, max, splitReadProbability, minKernelBuffer, maxKernelBuffer,
                splitWriteProbability, stallProbability, maxStall, refuseProbability, connectTimeoutProbability,
                resetProbability, resetWindow, lossProbability, duplicateProbability, reorderProbability, reorderDelay,
                maxDatagramSize);
    }

    /**
     * Each direction's window (bytes sent and not yet read) drawn in {@code [min, max]}.
     *
     * @param min the smallest window, in bytes; 1 makes every write partial
     * @param max the largest window, in bytes
     * @return a copy with those windows
     */
    public FaultProfile withKernelBuffer(int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("need 1 <= min <= max, got " + min + " and " + max);
        }
        return copy(minLatency, maxLatency, jitter, minBandwidth, maxBandwidth, splitReadProbability, min, max,
                splitWriteProbability, stallProbability, maxStall, refuseProbability, connectTimeoutProbability,
                resetProbability, resetWindow, lossProbability, duplicateProbability, reorderProbability, reorderDelay,
                maxDatagramSize);
    }

    /**
     * How often a read is cut short and a write takes only part of the room.
     *
     * @param readProbability chance, 0 to 1, that a read gets fewer bytes than are there
     * @param writeProbability chance, 0 to 1, that a write takes less than there is room for
     * @return a copy with those splits
     */
    public FaultProfile withSplits(double readProbability, double writeProbability) {
        return copy(minLatency, maxLatency, jitter, minBandwidth, maxBandwidth, probability(readProbability),
                minKernelBuffer, maxKernelBuffer, probability(writeProbability), stallProbability, maxStall,
                refuseProbability, connectTimeoutProbability, resetProbability, resetWindow, lossProbability,
                duplicateProbability, reorderProbability, reorderDelay, maxDatagramSize);
    }

    /**
     * How often a receiver stops reading, and for how long at most.
     *
     * @param probability chance, 0 to 1, that a receiver stalls
     * @param max the longest stall
     * @return a copy with those stalls
     */
    public FaultProfile withStalls(double probability, Duration max) {
        return copy(minLatency, maxLatency, jitter, minBandwidth, maxBandwidth, splitReadProbability,
                minKernelBuffer, maxKernelBuffer, splitWriteProbability, probability(probability), nonNegative(max, "stall"),
                refuseProbability, connectTimeoutProbability, resetProbability, resetWindow, lossProbability,
                duplicateProbability, reorderProbability, reorderDelay, maxDatagramSize);
    }

    /**
     * How often a connect is refused or times out, and a connection is reset within
     * {@code resetWindow}.
     *
     * @param refuse chance, 0 to 1, that a connect is refused
     * @param connectTimeout chance, 0 to 1, that a connect's SYN is lost and it times out
     * @param reset chance, 0 to 1, that a connection is reset
     * @param resetWindow how soon after it is made a connection may be reset
     * @return a copy with those failures
     */
    public FaultProfile withConnectionFailures(double refuse, double connectTimeout, double reset, Duration resetWindow) {
        if (resetWindow.isNegative() || resetWindow.isZero()) {
            throw new IllegalArgumentException("the reset window must be positive, got " + resetWindow);
        }
        return copy(minLatency, maxLatency, jitter, minBandwidth, maxBandwidth, splitReadProbability,
                minKernelBuffer, maxKernelBuffer, splitWriteProbability, stallProbability, maxStall, probability(refuse),
                probability(connectTimeout), probability(reset), resetWindow, lossProbability, duplicateProbability,
                reorderProbability, reorderDelay, maxDatagramSize);
    }

    /**
     * What happens to datagrams: lost, duplicated, reordered (delayed by up to
     * {@code reorderDelay}), cut to {@code maxSize}.
     *
     * @param loss chance, 0 to 1, that a datagram is lost
     * @param duplicate chance, 0 to 1, that a datagram arrives twice
     * @param reorder chance, 0 to 1, that a datagram is held back
     * @param reorderDelay the longest a datagram is held back
     * @param maxSize the largest datagram delivered whole; longer ones are cut
     * @return a copy with those faults
     */
    public FaultProfile withDatagramFaults(double loss, double duplicate, double reorder, Duration reorderDelay, int maxSize) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("the datagram size limit must not be negative, got " + maxSize);
        }
        return copy(minLatency, maxLatency, jitter, minBandwidth, maxBandwidth, splitReadProbability,
                minKernelBuffer, maxKernelBuffer, splitWriteProbability, stallProbability, maxStall, refuseProbability,
                connectTimeoutProbability, resetProbability, resetWindow, probability(loss), probability(duplicate),
                probability(reorder), nonNegative(reorderDelay, "reorder delay"), maxSize);
    }

    Duration minLatency() {
        return minLatency;
    }

    Duration maxLatency() {
        return maxLatency;
    }

    Duration jitter() {
        return jitter;
    }

    long minBandwidth() {
        return minBandwidth;
    }

    long maxBandwidth() {
        return maxBandwidth;
    }

    double splitReadProbability() {
        return splitReadProbability;
    }

    int minKernelBuffer() {
        return minKernelBuffer;
    }

    int maxKernelBuffer() {
        return maxKernelBuffer;
    }

    double splitWriteProbability() {
        return splitWriteProbability;
    }

    double stallProbability() {
        return stallProbability;
    }

    Duration maxStall() {
        return maxStall;
    }

    double refuseProbability() {
        return refuseProbability;
    }

    double connectTimeoutProbability() {
        return connectTimeoutProbability;
    }

    double resetProbability() {
        return resetProbability;
    }

    Duration resetWindow() {
        return resetWindow;
    }

    double lossProbability() {
        return lossProbability;
    }

    double duplicateProbability() {
        return duplicateProbability;
    }

    double reorderProbability() {
        return reorderProbability;
    }

    Duration reorderDelay() {
        return reorderDelay;
    }

    int maxDatagramSize() {
        return maxDatagramSize;
    }

    private static double probability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("a probability is between 0 and 1, got " + p);
        }
        return p;
    }

    private static Duration nonNegative(Duration d, String what) {
        if (Objects.requireNonNull(d, what).isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
        return d;
    }

    private static void requireOrdered(Duration min, Duration max, String what) {
        nonNegative(min, what);
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException(what + ": need min <= max, got " + min + " and " + max);
        }
    }

    @Override
    public String toString() {
        return "FaultProfile[latency " + minLatency.toMillis() + ".." + maxLatency.toMillis() + " ms +" + jitter.toMillis()
                + " ms, window " + minKernelBuffer + ".." + maxKernelBuffer + " B, split reads " + splitReadProbability
                + ", refuse " + refuseProbability + ", connect timeout " + connectTimeoutProbability + ", reset "
                + resetProbability + ", datagram loss " + lossProbability + "]";
    }
}
