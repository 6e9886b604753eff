package dev.cura.gateway;

import dev.cura.testinfra.RestFuzz.Case;
import dev.cura.testinfra.RestFuzz.Req;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's own hostile requests (on top of {@code RestFuzz.common}): job specs with wrong
 * types, ranges and control characters, other tenants' jobs and files, uploads, models, keys and
 * roles. Each names its documented status and, where the API has one, the stable code.
 */
final class GatewayFuzzCases {
  /** The keys and ids the cases aim at (made before the corpus runs). */
  record Fixture(
      String memberA,
      String adminA,
      String memberB,
      String revokedA,
      String fileA,
      String fileB,
      String jobA,
      String jobB,
      String keyIdB) {}

  private GatewayFuzzCases() {}

  static List<Case> all(Fixture f) {
    var cases = new ArrayList<Case>();
    jobSpecs(cases, f);
    jobReads(cases, f);
    files(cases, f);
    models(cases, f);
    keys(cases, f);
    return cases;
  }

  private static Case job(Fixture f, String name, String json, int status, String code) {
    return Req.of("POST", "/v1/fine_tuning/jobs")
        .key(f.memberA())
        .json(json)
        .expect(name, status, code);
  }

  /** A valid job body with {@code extra} (",\"k\":v…") added. */
  private static String spec(Fixture f, String extra) {
    return "{\"model\":\"tiny\",\"training_file\":\"" + f.fileA() + "\"" + extra + "}";
  }

  private static String hp(Fixture f, String hyperparameters) {
    return spec(f, ",\"hyperparameters\":{" + hyperparameters + "}");
  }

  private static void jobSpecs(List<Case> c, Fixture f) {
    String bad = "invalid_request_error";
    c.add(job(f, "job: model is a number", "{\"model\":7,\"training_file\":\"x\"}", 400, bad));
    c.add(job(f, "job: model missing", "{\"training_file\":\"x\"}", 400, bad));
    c.add(
        job(
            f,
            "job: training_file is an array",
            "{\"model\":\"tiny\",\"training_file\":[\"x\"]}",
            400,
            bad));
    c.add(job(f, "job: n_epochs 1.5", hp(f, "\"n_epochs\":1.5"), 400, bad));
    c.add(job(f, "job: n_epochs \"3\"", hp(f, "\"n_epochs\":\"3\""), 400, bad));
    c.add(job(f, "job: n_epochs 1e20", hp(f, "\"n_epochs\":1e20"), 400, bad));
    c.add(job(f, "job: n_epochs 2^70", hp(f, "\"n_epochs\":1180591620717411303424"), 400, bad));
    c.add(job(f, "job: batch_size true", hp(f, "\"batch_size\":true"), 400, bad));
    c.add(job(f, "job: batch_size 0", hp(f, "\"batch_size\":0"), 400, bad));
    c.add(job(f, "job: learning_rate \"0.1\"", hp(f, "\"learning_rate\":\"0.1\""), 400, bad));
    c.add(job(f, "job: learning_rate 0", hp(f, "\"learning_rate\":0"), 400, bad));
    c.add(job(f, "job: learning_rate -1", hp(f, "\"learning_rate\":-1"), 400, bad));
    c.add(job(f, "job: lora_r 0", hp(f, "\"lora_r\":0"), 400, bad));
    c.add(job(f, "job: lora_r 8.0", hp(f, "\"lora_r\":8.0"), 400, bad));
    c.add(job(f, "job: lora_r 1e3", hp(f, "\"lora_r\":1e3"), 400, bad));
    c.add(job(f, "job: lora_dropout 1", hp(f, "\"lora_dropout\":1"), 400, bad));
    c.add(job(f, "job: lora_alpha null-ish string", hp(f, "\"lora_alpha\":\"sixteen\""), 400, bad));
    c.add(job(f, "job: seq_len 4", hp(f, "\"seq_len\":4"), 400, bad));
    c.add(job(f, "job: max_steps 0", hp(f, "\"max_steps\":0"), 400, bad));
    c.add(job(f, "job: checkpoint_every -1", hp(f, "\"checkpoint_every\":-1"), 400, bad));
    c.add(job(f, "job: unknown hyperparameter", hp(f, "\"warmup\":3"), 400, bad));
    c.add(
        job(f, "job: hyperparameters is an array", spec(f, ",\"hyperparameters\":[1]"), 400, bad));
    c.add(job(f, "job: seed -1", spec(f, ",\"seed\":-1"), 400, bad));
    c.add(job(f, "job: seed 1.5", spec(f, ",\"seed\":1.5"), 400, bad));
    c.add(job(f, "job: seed \"7\"", spec(f, ",\"seed\":\"7\""), 400, bad));
    c.add(job(f, "job: quantization.type 4", spec(f, ",\"quantization\":{\"type\":4}"), 400, bad));
    c.add(
        job(
            f,
            "job: quantization.type int8",
            spec(f, ",\"quantization\":{\"type\":\"int8\"}"),
            400,
            bad));
    c.add(
        job(
            f,
            "job: double_quant \"yes\"",
            spec(f, ",\"quantization\":{\"double_quant\":\"yes\"}"),
            400,
            bad));
    c.add(job(f, "job: blocksize 48", spec(f, ",\"quantization\":{\"blocksize\":48}"), 400, bad));
    c.add(
        job(f, "job: blocksize 64.0", spec(f, ",\"quantization\":{\"blocksize\":64.0}"), 400, bad));
    c.add(job(f, "job: optimizer sgd", spec(f, ",\"optimizer\":\"sgd\""), 400, bad));
    c.add(job(f, "job: optimizer 7", spec(f, ",\"optimizer\":7"), 400, bad));
    c.add(job(f, "job: suffix with spaces", spec(f, ",\"suffix\":\"Bad Suffix!\""), 400, bad));
    c.add(
        job(
            f,
            "job: suffix 41 characters",
            spec(f, ",\"suffix\":\"" + "s".repeat(41) + "\""),
            400,
            bad));
    c.add(job(f, "job: NUL in suffix", spec(f, ",\"suffix\":\"a\\u0000b\""), 400, null));
    c.add(
        job(
            f,
            "job: NUL in model",
            "{\"model\":\"tiny\\u0000\",\"training_file\":\"x\"}",
            400,
            null));
    c.add(
        job(
            f,
            "job: DEL in training_file",
            "{\"model\":\"tiny\",\"training_file\":\"file-\\u007f\"}",
            400,
            null));
    c.add(
        job(
            f,
            "job: C1 control in model",
            "{\"model\":\"ti\\u0085ny\",\"training_file\":\"x\"}",
            400,
            null));
    c.add(
        job(
            f,
            "job: lone surrogate in model",
            "{\"model\":\"\\ud800\",\"training_file\":\"x\"}",
            400,
            null));
    c.add(job(f, "job: unknown field", spec(f, ",\"priority\":1"), 400, bad));
    c.add(job(f, "job: body is an array", "[]", 400, bad));
    c.add(job(f, "job: body is a string", "\"job\"", 400, bad));
    c.add(job(f, "job: body is null", "null", 400, bad));
    c.add(
        Req.of("POST", "/v1/fine_tuning/jobs")
            .key(f.memberA())
            .header("Content-Type", "application/json")
            .expect("job: empty JSON body", 400, bad));
    c.add(
        job(
            f,
            "job: model not registered",
            "{\"model\":\"nope\",\"training_file\":\"" + f.fileA() + "\"}",
            400,
            bad));
    c.add(
        job(
            f,
            "job: another tenant's training file",
            "{\"model\":\"tiny\",\"training_file\":\"" + f.fileB() + "\"}",
            400,
            bad));
    c.add(
        job(
            f,
            "job: unknown validation file",
            spec(f, ",\"validation_file\":\"file-nope\""),
            400,
            bad));
    c.add(
        job(
            f,
            "job: model string over 200 chars",
            "{\"model\":\"" + "m".repeat(201) + "\",\"training_file\":\"x\"}",
            400,
            bad));
  }

  private static Req get(Fixture f, String path) {
    return Req.of("GET", path).key(f.memberA());
  }

  private static void jobReads(List<Case> c, Fixture f) {
    String jobs = "/v1/fine_tuning/jobs/";
    c.add(get(f, jobs + f.jobB()).expect("jobs: another tenant's job", 404, "not_found"));
    c.add(
        Req.of("POST", jobs + f.jobB() + "/cancel")
            .key(f.memberA())
            .expect("jobs: cancel another tenant's job", 404, "not_found"));
    c.add(
        get(f, jobs + f.jobB() + "/events")
            .expect("jobs: another tenant's events", 404, "not_found"));
    c.add(
        get(f, jobs + f.jobB() + "/checkpoints")
            .expect("jobs: another tenant's checkpoints", 404, "not_found"));
    c.add(
        get(f, jobs + f.jobB() + "/events")
            .header("Accept", "text/event-stream")
            .expect("jobs: stream of another tenant's job", 404, "not_found"));
    c.add(
        get(f, jobs + f.jobB() + "/events/stream")
            .expect("jobs: stream path of another tenant's job", 404, "not_found"));
    c.add(
        get(f, jobs + "ftjob-none/events")
            .header("Accept", "text/event-stream")
            .expect("jobs: stream of no job", 404, "not_found"));
    c.add(
        get(f, jobs + f.jobA() + "/events")
            .header("Accept", "text/event-stream")
            .header("Last-Event-ID", "yesterday")
            .expect("jobs: stream with a bad Last-Event-ID", 400, "invalid_request_error"));
    c.add(get(f, jobs + "ftjob-none").expect("jobs: no such job", 404, "not_found"));
    c.add(get(f, "/v1/fine_tuning/jobs?limit=abc").expect("jobs: limit=abc", 400, null));
    c.add(get(f, "/v1/fine_tuning/jobs?limit=1.5").expect("jobs: limit=1.5", 400, null));
    c.add(get(f, "/v1/fine_tuning/jobs?limit=0").expect("jobs: limit=0", 400, null));
    c.add(get(f, "/v1/fine_tuning/jobs?limit=101").expect("jobs: limit=101", 400, null));
    c.add(
        get(f, "/v1/fine_tuning/jobs?limit=99999999999").expect("jobs: limit over int", 400, null));
    c.add(
        get(f, "/v1/fine_tuning/jobs?after=" + f.jobB())
            .expect("jobs: after another tenant's job", 400, null));
    c.add(
        get(f, jobs + f.jobA() + "/events?after=garbage")
            .expect("jobs: events after=garbage", 400, null));
    c.add(get(f, jobs + f.jobA() + "/events?limit=-1").expect("jobs: events limit=-1", 400, null));
    c.add(
        get(f, jobs + f.jobA() + "/cancel")
            .expect("jobs: GET on cancel", 405, "method_not_allowed"));
    c.add(
        Req.of("POST", jobs + f.jobA() + "/cancel")
            .key(f.memberA())
            .header("Content-Type", "application/json")
            .header("Content-Length", Integer.toString(2 * 1024 * 1024))
            .noLength()
            .expect("jobs: cancel with a 2 MiB body declared", 413, "request_too_large"));
  }

  /** A multipart upload with the given parts ("name", filename or null, content). */
  private static Req upload(Fixture f, String boundary, String... parts) {
    var body = new StringBuilder();
    for (int i = 0; i < parts.length; i += 3) {
      body.append("--")
          .append(boundary)
          .append("\r\nContent-Disposition: form-data; name=\"")
          .append(parts[i])
          .append('"');
      if (parts[i + 1] != null) {
        body.append("; filename=\"").append(parts[i + 1]).append('"');
      }
      body.append("\r\n\r\n").append(parts[i + 2]).append("\r\n");
    }
    body.append("--").append(boundary).append("--\r\n");
    return Req.of("POST", "/v1/files")
        .key(f.memberA())
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .body(body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void files(List<Case> c, Fixture f) {
    String chat =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"}]}\n";
    String bad = "invalid_request_error";
    c.add(upload(f, "b", "purpose", null, "fine-tune").expect("files: no file part", 400, bad));
    c.add(
        upload(f, "b", "file", "t.jsonl", chat, "purpose", null, "eval")
            .expect("files: purpose eval", 400, bad));
    c.add(upload(f, "b", "file", "t.jsonl", chat).expect("files: no purpose", 400, bad));
    c.add(
        upload(f, "b", "file", "t.jsonl", "{not json}\n", "purpose", null, "fine-tune")
            .expect("files: not JSONL", 400, "invalid_file"));
    c.add(
        upload(f, "b", "file", "t.jsonl", "", "purpose", null, "fine-tune")
            .expect("files: empty file", 400, "invalid_file"));
    c.add(
        upload(f, "b", "file", "t.jsonl", "{\"messages\":[]}\n", "purpose", null, "fine-tune")
            .expect("files: no messages", 400, "invalid_file"));
    c.add(
        upload(f, "b", "file", "t\u0001.jsonl", chat, "purpose", null, "fine-tune")
            .expect("files: control char in the file name", 400, bad));
    c.add(
        Req.of("POST", "/v1/files")
            .key(f.memberA())
            .header("Content-Type", "multipart/form-data; boundary=b")
            .header("Content-Length", Long.toString(600L << 20))
            .noLength()
            .expect("files: 600 MiB declared", 413, "request_too_large"));
    byte[] huge = new byte[5 << 20];
    java.util.Arrays.fill(huge, (byte) 'a');
    c.add(
        upload(
                f,
                "b",
                "file",
                "big.jsonl",
                new String(huge, StandardCharsets.US_ASCII),
                "purpose",
                null,
                "fine-tune")
            .chunked()
            .expect("files: chunked upload over the limit", 413, "request_too_large"));
    c.add(
        Req.of("POST", "/v1/files")
            .key(f.memberA())
            .json("{\"file\":\"x\"}")
            .expect("files: JSON instead of multipart", 415, "unsupported_media_type"));
    c.add(
        get(f, "/v1/files/" + f.fileB()).expect("files: another tenant's file", 404, "not_found"));
    c.add(get(f, "/v1/files/file-%00").expect("files: NUL in the id", 400, null));
    c.add(get(f, "/v1/files/file-none").expect("files: no such file", 404, "not_found"));
    c.add(
        Req.of("DELETE", "/v1/files/" + f.fileB())
            .key(f.memberA())
            .expect("files: DELETE of another tenant's file", 404, "not_found"));
    c.add(
        Req.of("DELETE", "/v1/files/file-none")
            .key(f.memberA())
            .expect("files: DELETE of no such file", 404, "not_found"));
    c.add(
        Req.of("PUT", "/v1/files/" + f.fileA())
            .key(f.memberA())
            .expect("files: PUT", 405, "method_not_allowed"));
  }

  private static Case register(String key, String name, String json, int status, String code) {
    return Req.of("POST", "/v1/models").key(key).json(json).expect(name, status, code);
  }

  private static void models(List<Case> c, Fixture f) {
    String bad = "invalid_request_error";
    String tiny = "{\"id\":\"tiny9\",\"path\":\"target/test-models/tiny\"}";
    c.add(register(f.memberA(), "models: a member registers", tiny, 403, "forbidden"));
    c.add(register(f.adminA(), "models: a tenant admin registers", tiny, 403, "forbidden"));
    String op = GatewayApiTest.ADMIN;
    c.add(
        register(
            op,
            "models: id with a slash",
            "{\"id\":\"a/b\",\"path\":\"target/test-models/tiny\"}",
            400,
            bad));
    c.add(
        register(
            op,
            "models: id of 65 characters",
            "{\"id\":\"" + "i".repeat(65) + "\",\"path\":\"target/test-models/tiny\"}",
            400,
            bad));
    c.add(
        register(
            op,
            "models: NUL in the id",
            "{\"id\":\"a\\u0000\",\"path\":\"target/test-models/tiny\"}",
            400,
            null));
    c.add(
        register(
            op, "models: path outside the roots", "{\"id\":\"evil\",\"path\":\"/etc\"}", 400, bad));
    c.add(
        register(
            op,
            "models: path climbing out",
            "{\"id\":\"evil\",\"path\":\"target/test-models/../../pom.xml\"}",
            400,
            bad));
    c.add(register(op, "models: no path", "{\"id\":\"evil\"}", 400, bad));
    c.add(register(op, "models: path is a number", "{\"id\":\"evil\",\"path\":5}", 400, null));
    c.add(
        register(
            op,
            "models: unknown field",
            "{\"id\":\"evil\",\"path\":\"x\",\"owner\":\"me\"}",
            400,
            null));
    c.add(get(f, "/v1/models/nope").expect("models: no such model", 404, "not_found"));
    c.add(get(f, "/v1/models/a%00b").expect("models: NUL in the id", 400, null));
  }

  private static Case createKey(String key, String name, String json, int status, String code) {
    return Req.of("POST", "/v1/admin/keys").key(key).json(json).expect(name, status, code);
  }

  private static void keys(List<Case> c, Fixture f) {
    String bad = "invalid_request_error";
    c.add(
        createKey(
            f.memberA(),
            "keys: a member creates a key",
            "{\"tenant\":\"fuzz-a\"}",
            403,
            "forbidden"));
    c.add(
        createKey(
            f.adminA(),
            "keys: an admin creates for another tenant",
            "{\"tenant\":\"fuzz-b\"}",
            403,
            "forbidden"));
    c.add(
        createKey(
            f.adminA(),
            "keys: an admin creates an operator",
            "{\"tenant\":\"fuzz-a\",\"role\":\"operator\"}",
            403,
            "forbidden"));
    c.add(
        createKey(
            f.adminA(), "keys: role root", "{\"tenant\":\"fuzz-a\",\"role\":\"root\"}", 400, bad));
    c.add(
        createKey(
            f.adminA(), "keys: role is a number", "{\"tenant\":\"fuzz-a\",\"role\":1}", 400, null));
    c.add(
        createKey(
            f.adminA(),
            "keys: admin \"yes\"",
            "{\"tenant\":\"fuzz-a\",\"admin\":\"yes\"}",
            400,
            null));
    c.add(createKey(f.adminA(), "keys: admin 1", "{\"tenant\":\"fuzz-a\",\"admin\":1}", 400, null));
    c.add(
        createKey(
            f.adminA(),
            "keys: admin contradicts role",
            "{\"tenant\":\"fuzz-a\",\"admin\":true,\"role\":\"member\"}",
            400,
            bad));
    c.add(
        createKey(
            f.adminA(),
            "keys: key of 10 characters",
            "{\"tenant\":\"fuzz-a\",\"key\":\"0123456789\"}",
            400,
            bad));
    c.add(
        createKey(
            f.adminA(),
            "keys: key with a space",
            "{\"tenant\":\"fuzz-a\",\"key\":\"cura-with a space-0000000\"}",
            400,
            bad));
    c.add(
        createKey(
            f.adminA(),
            "keys: key with NUL",
            "{\"tenant\":\"fuzz-a\",\"key\":\"cura-nul-\\u0000-00000000000\"}",
            400,
            null));
    c.add(createKey(f.adminA(), "keys: tenant in capitals", "{\"tenant\":\"FUZZ-A\"}", 400, bad));
    c.add(createKey(f.adminA(), "keys: empty tenant", "{\"tenant\":\"\"}", 400, bad));
    c.add(createKey(f.adminA(), "keys: NUL in tenant", "{\"tenant\":\"fuzz\\u0000a\"}", 400, null));
    c.add(
        createKey(
            f.adminA(),
            "keys: tenant of 65 characters",
            "{\"tenant\":\"" + "t".repeat(65) + "\"}",
            400,
            bad));
    c.add(createKey(f.adminA(), "keys: tenant is an object", "{\"tenant\":{}}", 400, null));
    c.add(
        createKey(
            f.adminA(),
            "keys: unknown field",
            "{\"tenant\":\"fuzz-a\",\"scope\":\"all\"}",
            400,
            null));
    c.add(
        createKey(
            GatewayApiTest.ADMIN,
            "keys: a key of another tenant again",
            "{\"tenant\":\"fuzz-b\",\"key\":\"" + f.memberA() + "\"}",
            409,
            "key_exists"));
    c.add(
        createKey(
            GatewayApiTest.ADMIN,
            "keys: a revoked key again",
            "{\"tenant\":\"fuzz-a\",\"key\":\"" + f.revokedA() + "\"}",
            409,
            "key_exists"));
    c.add(get(f, "/v1/admin/keys").expect("keys: a member lists keys", 403, "forbidden"));
    c.add(
        Req.of("GET", "/v1/admin/keys?tenant=fuzz-b")
            .key(f.adminA())
            .expect("keys: an admin lists another tenant", 403, "forbidden"));
    c.add(get(f, "/v1/admin/tenants").expect("keys: a member lists tenants", 403, "forbidden"));
    c.add(
        Req.of("GET", "/v1/admin/tenants")
            .key(f.adminA())
            .expect("keys: an admin lists tenants", 403, "forbidden"));
    c.add(
        Req.of("DELETE", "/v1/admin/keys/key-000000000000000000000000")
            .key(f.adminA())
            .expect("keys: revoke no such key", 404, "not_found"));
    c.add(
        Req.of("DELETE", "/v1/admin/keys/not-an-id")
            .key(f.adminA())
            .expect("keys: revoke a malformed id", 404, "not_found"));
    c.add(
        Req.of("DELETE", "/v1/admin/keys/" + f.keyIdB())
            .key(f.adminA())
            .expect("keys: an admin revokes another tenant's key", 404, "not_found"));
    c.add(
        Req.of("DELETE", "/v1/admin/keys/" + f.keyIdB())
            .key(f.memberA())
            .expect("keys: a member revokes", 404, "not_found"));
    c.add(
        Req.of("GET", "/v1/models")
            .key(f.revokedA())
            .expect("keys: a revoked key", 401, "invalid_api_key"));
  }
}
