package dev.eio4j.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogHistogramTest {

  @Test
  void smallValuesAreExact() {
    LogHistogram h = new LogHistogram();
    for (int v = 1; v <= 100; v++) {
      h.record(v);
    }
    assertThat(h.count()).isEqualTo(100);
    assertThat(h.percentile(50)).isEqualTo(50);
    assertThat(h.percentile(99)).isEqualTo(99);
    assertThat(h.percentile(100)).isEqualTo(100);
    assertThat(h.min()).isEqualTo(1);
    assertThat(h.max()).isEqualTo(100);
    assertThat(h.mean()).isEqualTo(50.5);
  }

  @Test
  void everyValueFallsInsideItsBucketAndBucketsAreNarrow() {
    Random r = new Random(42);
    for (int i = 0; i < 100_000; i++) {
      long v = (r.nextLong() >>> 1) >>> r.nextInt(63);
      int idx = LogHistogram.index(v);
      assertThat(LogHistogram.lowestOf(idx)).isLessThanOrEqualTo(v);
      assertThat(LogHistogram.highestOf(idx)).isGreaterThanOrEqualTo(v);
      double width = LogHistogram.highestOf(idx) - LogHistogram.lowestOf(idx);
      assertThat(width).isLessThanOrEqualTo(Math.max(0, v / 128.0));
    }
    assertThat(LogHistogram.index(Long.MAX_VALUE)).isLessThan(8000);
    for (long v = 0; v < 5000; v++) {
      assertThat(LogHistogram.index(v + 1)).isGreaterThanOrEqualTo(LogHistogram.index(v));
    }
  }

  @Test
  void percentilesAreWithinOnePercentOfTheExactOnes() {
    Random r = new Random(7);
    long[] values = new long[200_000];
    LogHistogram h = new LogHistogram();
    for (int i = 0; i < values.length; i++) {
      // latencies from 20 us to ~50 ms, log-normal-ish
      values[i] = (long) (20_000 * Math.exp(Math.abs(r.nextGaussian()) * 2.5));
      h.record(values[i]);
    }
    Arrays.sort(values);
    for (double p : new double[] {50, 90, 99, 99.9}) {
      long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
      assertThat((double) h.percentile(p)).as("p%s", p).isBetween(exact * 0.99, exact * 1.01);
    }
    assertThat(h.percentile(100)).isEqualTo(values[values.length - 1]);
  }

  @Test
  void mergesAndTravelsAsText() {
    LogHistogram a = new LogHistogram();
    LogHistogram b = new LogHistogram();
    for (int i = 0; i < 1000; i++) {
      a.record(1_000 + i);
      b.record(1_000_000 + i * 1000L);
    }
    LogHistogram decoded = LogHistogram.decode(b.encode());
    assertThat(decoded.count()).isEqualTo(1000);
    assertThat(decoded.max()).isEqualTo(b.max());
    assertThat(decoded.percentile(50)).isEqualTo(b.percentile(50));

    a.add(decoded);
    assertThat(a.count()).isEqualTo(2000);
    assertThat(a.min()).isEqualTo(1000);
    assertThat(a.max()).isEqualTo(1_000_000 + 999_000);
    assertThat(a.percentile(25)).isLessThan(2000);
    assertThat(a.percentile(75)).isGreaterThan(1_000_000);

    LogHistogram empty = LogHistogram.decode(new LogHistogram().encode());
    assertThat(empty.count()).isZero();
    assertThat(empty.percentile(99)).isZero();
    assertThatThrownBy(() -> LogHistogram.decode("x;1:2"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogHistogram.decode("1,2,3;99999:1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recorderMergesThreads() throws Exception {
    Recorder rec = new Recorder();
    Thread[] ts = new Thread[4];
    for (int t = 0; t < ts.length; t++) {
      ts[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  rec.record(i);
                }
              });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    assertThat(rec.merged().count()).isEqualTo(40_000);
  }
}
