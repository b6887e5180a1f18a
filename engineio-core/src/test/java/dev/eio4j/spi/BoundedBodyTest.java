package dev.eio4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The one request-body accumulator of the runtimes: what it keeps, and where the limit falls. */
class BoundedBodyTest {

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  @Test
  void aBodyOfExactlyTheLimitIsKeptWhole() {
    BoundedBody body = new BoundedBody(10_000, -1);
    byte[] data = bytes(10_000);
    body.append(Arrays.copyOfRange(data, 0, 3_000));
    body.append(Arrays.copyOfRange(data, 3_000, 10_000));
    assertThat(body.isOverLimit()).isFalse();
    assertThat(body.take()).isEqualTo(data);
  }

  @Test
  void oneByteMoreIsOverAndNothingIsKept() {
    BoundedBody body = new BoundedBody(10, -1);
    body.append(bytes(11));
    assertThat(body.isOverLimit()).isTrue();
    assertThat(body.size()).as("the bytes are dropped once the limit is passed").isZero();
    assertThatThrownBy(body::take).isInstanceOf(IllegalStateException.class);
    body.append(bytes(5));
    assertThat(body.size()).as("nothing is taken after the limit was passed").isZero();
  }

  @Test
  void aChunkFarBeyondTheLimitIsCopiedOnlyUpToOneByteOverIt() {
    BoundedBody body = new BoundedBody(100, -1);
    int[] copied = {0};
    body.append(1_000_000, (from, dst, off, len) -> copied[0] += len);
    assertThat(body.isOverLimit()).isTrue();
    assertThat(copied[0]).as("at most limit + 1 bytes are ever held").isEqualTo(101);
  }

  @Test
  void anAnnouncedLengthOverTheLimitFailsAtOnce() {
    assertThat(new BoundedBody(10, 11).isOverLimit()).isTrue();
    assertThat(new BoundedBody(10, 10).isOverLimit()).isFalse();
  }

  @Test
  void narrowingCatchesWhatIsHeldAndWhatWasAnnounced() {
    BoundedBody held = new BoundedBody(1_000, -1);
    held.append(bytes(50));
    held.narrow(100);
    assertThat(held.isOverLimit()).isFalse();
    held.narrow(49);
    assertThat(held.isOverLimit()).isTrue();

    BoundedBody announced = new BoundedBody(1_000, 500);
    announced.narrow(2_000);
    assertThat(announced.isOverLimit()).as("a higher limit is ignored").isFalse();
    announced.narrow(499);
    assertThat(announced.isOverLimit()).isTrue();
  }

  @Test
  void readsFromAStreamUntilItsEnd() throws Exception {
    byte[] data = bytes(20_000);
    ByteArrayInputStream in = new ByteArrayInputStream(data);
    BoundedBody body = new BoundedBody(20_000, -1);
    while (body.readFrom(in::read) >= 0) {
      assertThat(body.isOverLimit()).isFalse();
    }
    assertThat(body.take()).isEqualTo(data);
  }

  @Test
  void aStreamOneByteTooLongIsOver() throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes(20_001));
    BoundedBody body = new BoundedBody(20_000, -1);
    while (!body.isOverLimit() && body.readFrom(in::read) >= 0) {
      // read until the end or the limit
    }
    assertThat(body.isOverLimit()).isTrue();
  }
}
