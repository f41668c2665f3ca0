package dev.funnel.recall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class FactorModelTest {
  /** 2 users × 3 items. */
  private static Interactions small() {
    EventTable events = new EventTable();
    events.add("u0", "i0", 0, EventTable.DEFAULT_TYPE, 1f);
    events.add("u0", "i1", 1, EventTable.DEFAULT_TYPE, 1f);
    events.add("u1", "i2", 2, EventTable.DEFAULT_TYPE, 1f);
    return events.toInteractions(DuplicatePolicy.MAX);
  }

  private static DataInputStream payload(int dim, int userFloats, int itemFloats) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(dim);
    BinaryIO.writeFloats(out, new float[userFloats]);
    BinaryIO.writeFloats(out, new float[itemFloats]);
    out.flush();
    return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
  }

  @Test
  void readsTablesOfTheRightShape() throws IOException {
    FactorModel.Tables t = FactorModel.readTables(payload(4, 8, 12), "algo", 4, small());
    assertThat(t.dim()).isEqualTo(4);
    assertThat(t.userVectors()).hasSize(8);
    assertThat(t.itemVectors()).hasSize(12);
  }

  @Test
  void rejectsWrongSizesNamingTheAlgorithm() {
    Interactions train = small();
    assertThatThrownBy(() -> FactorModel.readTables(payload(4, 8, 11), "algo", 4, train))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("algo payload does not match")
        .hasMessageContaining("dim=4")
        .hasMessageContaining("item floats=11")
        .hasMessageContaining("2 users and 3 items");
    assertThatThrownBy(() -> FactorModel.readTables(payload(4, 7, 12), "algo", 4, train))
        .isInstanceOf(IOException.class).hasMessageContaining("user floats=7");
    assertThatThrownBy(() -> FactorModel.readTables(payload(2, 4, 6), "algo", 4, train))
        .isInstanceOf(IOException.class).hasMessageContaining("dim=2 (config 4)");
  }
}
