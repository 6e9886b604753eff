package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cura.deploy.CuraContract.Service;
import org.junit.jupiter.api.Test;

class CuraContractTest {
  @Test
  void aServiceIsFoundByItsModuleAndAnotherModuleIsRefusedNamingTheFour() {
    assertEquals(Service.TRAINER, Service.byModule("trainer-service"));
    var e = assertThrows(IllegalArgumentException.class, () -> Service.byModule("cura-cli"));
    assertEquals(
        "expected one of gateway-service, quantizer-service, trainer-service, registry-service,"
            + " got cura-cli",
        e.getMessage());
  }
}
