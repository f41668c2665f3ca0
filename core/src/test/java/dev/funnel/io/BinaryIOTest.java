package dev.funnel.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryIOTest {
  @Test
  void roundTripsArraysAcrossChunkBoundaries() throws IOException {
    long seed = System.nanoTime();
    System.out.println("BinaryIOTest seed=" + seed);
    Random rnd = new Random(seed);
    for (int length : new int[] {0, 1, BinaryIO.CHUNK - 1, BinaryIO.CHUNK, BinaryIO.CHUNK + 1, 3 * BinaryIO.CHUNK + 7}) {
      int[] ints = rnd.ints(length).toArray();
      float[] floats = new float[length];
      long[] longs = rnd.longs(length).toArray();
      for (int n = 0; n < length; n++) {
        floats[n] = rnd.nextFloat();
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      BinaryIO.writeInts(out, ints);
      BinaryIO.writeFloats(out, floats);
      BinaryIO.writeLongs(out, longs);
      // A byte array knows its remaining size (arrays allocated whole); a stream that does not
      // (available() 0, like a socket) takes the chunked path that grows as data arrives.
      for (boolean sized : new boolean[] {true, false}) {
        InputStream raw = new ByteArrayInputStream(bytes.toByteArray());
        DataInputStream in = new DataInputStream(sized ? raw : new FilterInputStream(raw) {
          @Override
          public int available() {
            return 0;
          }
        });
        assertThat(BinaryIO.readInts(in)).as("seed %d length %d sized %s", seed, length, sized).isEqualTo(ints);
        assertThat(BinaryIO.readFloats(in)).isEqualTo(floats);
        assertThat(BinaryIO.readLongs(in)).isEqualTo(longs);
        assertThat(in.read()).as("all bytes consumed").isEqualTo(-1);
      }
    }
  }

  @Test
  void aDamagedHugeLengthEndsInEofNotInAHugeAllocation() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(Integer.MAX_VALUE); // a long[] of this length would need 16 GiB
    out.writeLong(1L);
    assertThatThrownBy(() -> BinaryIO.readLongs(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void negativeLengthIsCorrupt() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new DataOutputStream(bytes).writeInt(-3);
    assertThatThrownBy(() -> BinaryIO.readInts(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
        .isInstanceOf(IOException.class).hasMessageContaining("negative array length -3");
  }
}
