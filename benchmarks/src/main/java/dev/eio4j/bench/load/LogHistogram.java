package dev.eio4j.bench.load;

import java.util.Arrays;

/**
 * A log-linear histogram of non-negative longs (nanoseconds here), in the manner of HdrHistogram with
 * a fixed precision: values below {@value #LINEAR} are exact, larger ones fall into buckets no wider
 * than 1/{@value #HALF} of their value (under 0.8% error). Covers 0 to {@link Long#MAX_VALUE}.
 *
 * <p>Not thread-safe: each recording thread owns one, and they are {@linkplain #add merged} once the
 * recording has stopped. {@link #encode()} and {@link #decode(String)} carry one across processes.
 */
public final class LogHistogram {
  /** Sub-buckets per power of two (upper half of the linear range). */
  static final int HALF = 128;

  /** Values below this are recorded exactly. */
  static final int LINEAR = 2 * HALF;

  private static final int SUB_BITS = 8; // log2(LINEAR)
  private static final int BUCKETS = LINEAR + (63 - SUB_BITS) * HALF;

  private final long[] counts = new long[BUCKETS];
  private long total;
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;
  private double sum;

  /** Records one value; negative values count as 0. */
  public void record(long value) {
    long v = Math.max(0, value);
    counts[index(v)]++;
    total++;
    sum += v;
    if (v < min) {
      min = v;
    }
    if (v > max) {
      max = v;
    }
  }

  /** The bucket of a value. */
  static int index(long v) {
    if (v < LINEAR) {
      return (int) v;
    }
    int shift =
        63 - Long.numberOfLeadingZeros(v) - (SUB_BITS - 1); // >= 1; (v >>> shift) in [HALF, LINEAR)
    return shift * HALF + (int) (v >>> shift);
  }

  /** The smallest value that falls into a bucket. */
  static long lowestOf(int index) {
    if (index < LINEAR) {
      return index;
    }
    int shift = index / HALF - 1;
    long m = index - (long) shift * HALF;
    return m << shift;
  }

  /** The largest value that falls into a bucket. */
  static long highestOf(int index) {
    if (index < LINEAR) {
      return index;
    }
    int shift = index / HALF - 1;
    long m = index - (long) shift * HALF;
    long hi = ((m + 1) << shift) - 1;
    return hi < 0 ? Long.MAX_VALUE : hi;
  }

  /** Number of recorded values. */
  public long count() {
    return total;
  }

  /** The smallest value recorded, or 0 when empty. */
  public long min() {
    return total == 0 ? 0 : min;
  }

  /** The largest value recorded, or 0 when empty. */
  public long max() {
    return total == 0 ? 0 : max;
  }

  /** The mean, or 0 when empty. */
  public double mean() {
    return total == 0 ? 0 : sum / total;
  }

  /**
   * The value at a percentile (0..100]: the highest value of the bucket holding the value of that rank,
   * capped by the exact maximum; 0 when empty.
   */
  public long percentile(double p) {
    if (total == 0) {
      return 0;
    }
    if (p <= 0) {
      return min;
    }
    long rank = (long) Math.ceil(Math.min(100.0, p) / 100.0 * total);
    rank = Math.max(1, rank);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.max(min, Math.min(max, highestOf(i)));
      }
    }
    return max;
  }

  /** Adds every value of {@code other} into this one. */
  public void add(LogHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    sum += other.sum;
    if (other.total > 0) {
      min = Math.min(min, other.min);
      max = Math.max(max, other.max);
    }
  }

  /** Forgets everything. */
  public void reset() {
    Arrays.fill(counts, 0);
    total = 0;
    sum = 0;
    min = Long.MAX_VALUE;
    max = Long.MIN_VALUE;
  }

  /** A compact text form: {@code min,max,sum;index:count,index:count,...} (non-empty buckets only). */
  public String encode() {
    StringBuilder sb = new StringBuilder(64);
    sb.append(min()).append(',').append(max()).append(',').append((long) sum).append(';');
    boolean first = true;
    for (int i = 0; i < BUCKETS; i++) {
      if (counts[i] != 0) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(i).append(':').append(counts[i]);
      }
    }
    return sb.toString();
  }

  /**
   * Reads {@link #encode()}'s form.
   *
   * @throws IllegalArgumentException when malformed
   */
  public static LogHistogram decode(String s) {
    LogHistogram h = new LogHistogram();
    try {
      int semi = s.indexOf(';');
      String[] head = s.substring(0, semi).split(",");
      String body = s.substring(semi + 1);
      if (!body.isEmpty()) {
        for (String pair : body.split(",")) {
          int colon = pair.indexOf(':');
          int i = Integer.parseInt(pair.substring(0, colon));
          long c = Long.parseLong(pair.substring(colon + 1));
          if (i < 0 || i >= BUCKETS || c < 0) {
            throw new IllegalArgumentException("bad bucket " + pair);
          }
          h.counts[i] += c;
          h.total += c;
        }
      }
      if (h.total > 0) {
        h.min = Long.parseLong(head[0]);
        h.max = Long.parseLong(head[1]);
        h.sum = Long.parseLong(head[2]);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed histogram: " + e.getMessage(), e);
    }
    return h;
  }
}
