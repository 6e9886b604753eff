package dev.cura.registry;

import static dev.cura.testinfra.TestApi.ADMIN;
import static dev.cura.testinfra.TestApi.as;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.testinfra.EmbeddedPostgresServer;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.RestFuzz;
import dev.cura.testinfra.RestFuzz.Case;
import dev.cura.testinfra.RestFuzz.Req;
import dev.cura.testinfra.TestApi;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The registry's REST fuzz corpus (issue 12): versions, files, aliases and keys under hostile input
 * — each refused with its documented 4xx in the error shape, nothing created.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class RegistryRestFuzzTest {
  private static final EventCodec CODEC = new EventCodec();

  @ConfigProperty(name = "quarkus.http.port")
  int port;

  @ConfigProperty(name = "cura.artifact-root")
  String artifactRoot;

  @TestFactory
  Stream<DynamicTest> everyHostileRequestIsRefusedInTheErrorShapeAndCreatesNothing()
      throws IOException {
    String name = "fz-" + UUID.randomUUID().toString().substring(0, 8);
    String job = "ftjob-fz-" + UUID.randomUUID();
    String digest = RegistryApiTest.storeAdapter(Path.of(artifactRoot), 11);
    TestKafka.send(
        CODEC.encode(EventEnvelope.create("/test", RegistryApiTest.trained(job, name, digest))));
    RegistryApiTest.registered(job);
    String member = TestApi.newKey("fuzz-r", "member");
    String admin = TestApi.newKey("fuzz-r", "admin");

    var cases = new ArrayList<>(RestFuzz.common(member, "/v1/admin/keys", "/v1/adapters"));
    cases.addAll(specific(name, member, admin));
    assertTrue(cases.size() >= 80, "corpus has only " + cases.size() + " cases");
    return RestFuzz.testsThatCreateNothing(
        port,
        cases,
        RegistryRestFuzzTest::counts,
        () -> as(ADMIN).get("/v1/adapters/" + name + "/versions/1").then().statusCode(200));
  }

  private static List<Case> specific(String name, String member, String admin) {
    var c = new ArrayList<Case>();
    String mine = "/v1/adapters/" + name;
    String bad = "invalid_request_error";
    // another tenant's adapter is as absent as a missing one
    c.add(notFound(mine + "/versions", member, "another tenant's adapter"));
    c.add(notFound(mine + "/versions/1", member, "another tenant's version"));
    c.add(
        notFound(mine + "/versions/1/files/adapter_config.json", member, "another tenant's file"));
    c.add(
        alias(
            member,
            mine + "/aliases/prod",
            "{\"version\":1}",
            "alias on another tenant's adapter",
            404,
            "not_found"));
    // versions: a number, latest or an alias — anything else is not found
    for (String v : List.of("abc", "-1", "1.5", "99999999999", "0", "latest2")) {
      c.add(notFound(mine + "/versions/" + v, ADMIN, "version '" + v + "'"));
    }
    c.add(
        notFound(
            mine + "/versions/1/files/..%2F..%2Fetc%2Fpasswd", ADMIN, "file outside the list"));
    c.add(notFound(mine + "/versions/1/files/model.bin", ADMIN, "file not an adapter file"));
    c.add(
        Req.of("GET", mine + "/versions/1/files/adapter_model.safetensors")
            .key(ADMIN)
            .header("Range", "bytes=999999999-")
            .expect("range past the end", 416, "range_not_satisfiable"));
    c.add(notFound("/v1/adapters/none/versions", ADMIN, "no such adapter"));
    c.add(notFound(mine + "/aliases/none", ADMIN, "no such alias"));
    // aliases
    c.add(
        alias(
            ADMIN,
            mine + "/aliases/Bad!",
            "{\"version\":1}",
            "alias with capitals and '!'",
            400,
            bad));
    c.add(alias(ADMIN, mine + "/aliases/latest", "{\"version\":1}", "alias 'latest'", 400, bad));
    c.add(
        alias(
            ADMIN,
            mine + "/aliases/" + "a".repeat(65),
            "{\"version\":1}",
            "alias of 65 characters",
            400,
            bad));
    c.add(
        alias(ADMIN, mine + "/aliases/prod", "{\"version\":1.5}", "alias version 1.5", 400, null));
    c.add(
        alias(
            ADMIN,
            mine + "/aliases/prod",
            "{\"version\":\"1\"}",
            "alias version \"1\"",
            400,
            null));
    c.add(
        alias(
            ADMIN, mine + "/aliases/prod", "{\"version\":true}", "alias version true", 400, null));
    c.add(alias(ADMIN, mine + "/aliases/prod", "{\"version\":0}", "alias version 0", 400, bad));
    c.add(alias(ADMIN, mine + "/aliases/prod", "{}", "alias without a version", 400, bad));
    c.add(
        alias(
            ADMIN,
            mine + "/aliases/prod",
            "{\"version\":1,\"note\":\"x\"}",
            "alias with an unknown field",
            400,
            null));
    c.add(alias(ADMIN, mine + "/aliases/prod", "[1]", "alias body is an array", 400, null));
    c.add(
        alias(
            ADMIN,
            mine + "/aliases/prod",
            "{\"version\":99}",
            "alias to a missing version",
            404,
            "not_found"));
    c.add(
        Req.of("PUT", mine + "/aliases/prod")
            .key(ADMIN)
            .body("{\"version\":1}")
            .header("Content-Length", "13")
            .noLength()
            .expect("alias body without Content-Type", 415, "unsupported_media_type"));
    c.add(Req.of("DELETE", mine + "/versions/1").key(ADMIN).expect("DELETE a version", 405, null));
    c.add(
        Req.of("POST", mine + "/versions")
            .key(ADMIN)
            .json("{}")
            .expect("POST a version", 405, null));
    // keys and roles (the same API as the gateway's)
    c.add(key(member, "{\"tenant\":\"fuzz-r\"}", "a member creates a key", 403, "forbidden"));
    c.add(
        key(
            admin,
            "{\"tenant\":\"other\"}",
            "an admin creates for another tenant",
            403,
            "forbidden"));
    c.add(
        key(
            admin,
            "{\"tenant\":\"fuzz-r\",\"role\":\"operator\"}",
            "an admin creates an operator",
            403,
            "forbidden"));
    c.add(key(admin, "{\"tenant\":\"fuzz-r\",\"role\":\"god\"}", "role god", 400, bad));
    c.add(key(admin, "{\"tenant\":\"fuzz-r\",\"key\":\"x\"}", "key of 1 character", 400, bad));
    c.add(key(admin, "{\"tenant\":5}", "tenant is a number", 400, null));
    c.add(key(admin, "{\"tenant\":\"fuzz\\u0001r\"}", "control char in tenant", 400, null));
    c.add(
        key(
            ADMIN,
            "{\"tenant\":\"other\",\"key\":\"" + member + "\"}",
            "a member key for another tenant",
            409,
            "key_exists"));
    c.add(
        Req.of("GET", "/v1/admin/keys")
            .key(member)
            .expect("a member lists keys", 403, "forbidden"));
    c.add(
        Req.of("GET", "/v1/admin/tenants")
            .key(admin)
            .expect("an admin lists tenants", 403, "forbidden"));
    c.add(
        Req.of("DELETE", "/v1/admin/keys/key-ffffffffffffffffffffffff")
            .key(admin)
            .expect("revoke no such key", 404, "not_found"));
    return c;
  }

  private static Case notFound(String path, String key, String name) {
    return Req.of("GET", path).key(key).expect(name, 404, "not_found");
  }

  private static Case alias(
      String key, String path, String json, String name, int status, String code) {
    return Req.of("PUT", path).key(key).json(json).expect(name, status, code);
  }

  private static Case key(String key, String json, String name, int status, String code) {
    return Req.of("POST", "/v1/admin/keys").key(key).json(json).expect(name, status, code);
  }

  private static Map<String, Long> counts() {
    var out = new LinkedHashMap<String, Long>();
    for (String table : List.of("reg_adapter", "reg_adapter_version", "reg_alias", "reg_api_key")) {
      out.put(table, (long) EmbeddedPostgresServer.count("SELECT count(*) FROM " + table));
    }
    return out;
  }
}
