package dev.funnel.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI 3.0 description of the HTTP surface, served at {@code /openapi.json}. Written by hand
 * next to the routes; {@code OpenApiTest} compares its paths and methods with the running router's, so
 * a route added or removed without updating this fails the build.
 */
final class OpenApiDocument {
  static final String PATH = "/openapi.json";

  private final ObjectMapper json;
  private final ObjectNode paths;

  private OpenApiDocument(ObjectMapper json) {
    this.json = json;
    this.paths = json.createObjectNode();
  }

  /** The document for the read-only server, or with the write routes when {@code live}. */
  static ObjectNode build(ObjectMapper json, boolean live, int maxK) {
    OpenApiDocument d = new OpenApiDocument(json);
    ObjectNode root = json.createObjectNode();
    root.put("openapi", "3.0.3");
    root.putObject("info").put("title", "Funnel recommendation server").put("version", "1")
        .put("description", "Errors are JSON {error, parameter?, value?}. Write routes need an API key (Authorization: Bearer KEY or"
            + " X-Api-Key) when keys are configured; reads too when the server requires it. Over the rate limit: 429 with Retry-After.");

    ObjectNode recommend = d.op("get", HttpRoutes.RECOMMEND, "Top-k items for a user (seen and excluded items left out)", "Recommend", false);
    d.query(recommend, "user", "string", true, "external user id, at most 256 characters");
    d.k(recommend, maxK);
    d.query(recommend, "exclude", "string", false, "comma-separated item ids to leave out (repeatable)");
    d.query(recommend, "model", "string", false, "model name; default: the server's default model");
    ObjectNode similar = d.op("get", HttpRoutes.SIMILAR, "Items similar to an item", "Similar", false);
    d.query(similar, "item", "string", true, "external item id, at most 256 characters");
    d.k(similar, maxK);
    d.query(similar, "model", "string", false, "model name");
    d.respond(similar, "404", "unknown item", "Error");
    d.op("get", HttpRoutes.HEALTH, "Alive: the process answers", "Health", false);
    ObjectNode ready = d.op("get", HttpRoutes.READY, "Ready: log recovered, models loaded, not closing", "Health", false);
    d.respond(ready, "503", "not ready", "Error");
    ObjectNode metrics = d.op("get", HttpRoutes.METRICS, "Prometheus text exposition", null, false);
    child(metrics, "responses").putObject("200").put("description", "metrics").putObject("content").putObject("text/plain")
        .putObject("schema").put("type", "string");
    ObjectNode openapi = d.op("get", PATH, "This document", null, false);
    child(openapi, "responses").putObject("200").put("description", "OpenAPI 3.0 document").putObject("content").putObject("application/json")
        .putObject("schema").put("type", "object");
    if (live) {
      ObjectNode events = d.op("post", LiveRoutes.EVENTS, "Append events durably (JSON array or JSON lines)", "Ingested", true);
      ObjectNode policy = d.query(events, "policy", "string", false, "per-line (default) stores the valid lines; all-or-nothing stores none if one is bad");
      child(policy, "schema").putArray("enum").add(LiveRoutes.PER_LINE).add(LiveRoutes.ALL_OR_NOTHING);
      events.putObject("requestBody").put("required", true).putObject("content").putObject("application/x-ndjson").putObject("schema")
          .put("type", "string").put("description", "{id?, user, item, type, ts?, value?, request_id?, context?} per line or in a JSON array");
      d.respond(events, "413", "body or batch too large", "Ingested");
      d.respond(events, "503", "events not stored; retry", "Error");
      for (String kind : new String[] {"items", "users"}) {
        String path = "/v1/" + kind + "/:id";
        d.idOp(d.op("get", path, "Read one " + kind.substring(0, 4), "Record", false));
        d.body(d.idOp(d.op("put", path, "Create or replace one " + kind.substring(0, 4), "Record", true)));
        d.body(d.idOp(d.op("patch", path, "Change fields of one " + kind.substring(0, 4), "Record", true)));
        d.idOp(d.op("delete", path, kind.equals("users") ? "Erase one user: profile, online state and logged events (right to erasure)"
            : "Delete one item", kind.equals("users") ? "Erased" : "Deleted", true));
      }
      d.op("get", ModelRoutes.MODELS, "Every model: serving version, versions on disk with metrics, last training decision", "Models", false);
      ObjectNode train = d.nameOp(d.op("post", ModelRoutes.TRAIN, "Train now on a log snapshot; promoted only if not worse than serving", "Lifecycle",
          true));
      d.query(train, "wait", "boolean", false, "true (default): answer with the result; false: 202 at once");
      ObjectNode queued = child(child(train, "responses"), "200").deepCopy();
      child(train, "responses").set("202", queued.put("description", "queued"));
      d.respond(train, "503", "training failed", "Error");
      ObjectNode rollback = d.nameOp(d.op("post", ModelRoutes.ROLLBACK, "Serve an older version again", "Lifecycle", true));
      d.query(rollback, "version", "integer", false, "the version to serve; default: the newest older than the serving one");
      d.respond(rollback, "409", "no older version", "Error");
      d.query(recommend, "scene", "string", false, "run this scene (multi-stage pipeline) instead of a model: the answer is a SceneRecommend;"
          + " user may then be left out when item is given");
      d.query(recommend, "item", "string", false, "with scene: the anchor item of an item page");
      d.query(recommend, "offset", "integer", false, "with scene: items skipped (paging; page 2 never repeats page 1)");
      d.query(recommend, "allow", "string", false, "with scene: comma-separated allow-list; only these items may be returned");
      d.query(recommend, "debug", "boolean", false, "with scene: true adds the trace (per stage counts and latency, per item channels and scores)");
      d.op("get", SceneRoutes.SCENES, "The scenes loaded from the data directory's scenes folder", "Scenes", false);
      ObjectNode reload = d.op("post", SceneRoutes.RELOAD, "Re-read the scene files; all or nothing (400 keeps the serving scenes)", "Scenes", true);
      d.respond(reload, "200", "reloaded", "Scenes");
      d.op("get", SceneRoutes.STATS_CHANNELS, "Impressions, clicks and CTR per scene channel and per position (events joined by request_id)", "Scenes", false);
      d.op("get", SceneRoutes.EXPERIMENTS, "An experiment's variants: impressions, clicks, CTR, two-proportion z-test against the first", "Scenes", false);
    }
    root.set("paths", d.paths);
    root.set("components", d.components());
    return root;
  }

  /** {@code /v1/items/:id} (Vert.x) as {@code /v1/items/{id}} (OpenAPI). */
  static String openApiPath(String routerPath) {
    return routerPath.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
  }

  private ObjectNode op(String method, String routerPath, String summary, String schema, boolean write) {
    ObjectNode path = paths.has(openApiPath(routerPath)) ? (ObjectNode) paths.get(openApiPath(routerPath)) : paths.putObject(openApiPath(routerPath));
    ObjectNode op = path.putObject(method);
    op.put("summary", summary);
    op.putArray("parameters");
    ObjectNode responses = op.putObject("responses");
    if (schema != null) {
      respond(op, "200", "ok", schema);
    }
    if (routerPath.startsWith(Auth.GUARDED_PREFIX)) {
      respond(op, "400", "bad parameter or body; names the parameter and value", write && routerPath.equals(LiveRoutes.EVENTS) ? "Ingested" : "Error");
      respond(op, "401", write ? "API key missing" : "API key missing (when reads need a key)", "Error");
      respond(op, "403", "API key wrong or read-only", "Error");
      respond(op, "429", "rate limit exceeded; see Retry-After", "Error");
      child(responses, "429").putObject("headers").putObject("Retry-After").putObject("schema").put("type", "integer");
      ArrayNode security = op.putArray("security");
      security.addObject().putArray("bearer");
      security.addObject().putArray("apiKey");
      if (!write) {
        security.addObject(); // open unless the server requires keys for reads
      }
    }
    return op;
  }

  private void respond(ObjectNode op, String status, String description, String schema) {
    child(op, "responses").putObject(status).put("description", description).putObject("content").putObject("application/json")
        .putObject("schema").put("$ref", "#/components/schemas/" + schema);
  }

  private ObjectNode query(ObjectNode op, String name, String type, boolean required, String description) {
    ObjectNode p = ((ArrayNode) op.get("parameters")).addObject();
    p.put("name", name).put("in", "query").put("required", required).put("description", description);
    p.putObject("schema").put("type", type);
    return p;
  }

  private void k(ObjectNode op, int maxK) {
    ObjectNode p = query(op, "k", "integer", false, "how many items; default " + Math.min(HttpRoutes.DEFAULT_K, maxK));
    child(p, "schema").put("minimum", 1).put("maximum", maxK);
  }

  private ObjectNode idOp(ObjectNode op) {
    ObjectNode p = ((ArrayNode) op.get("parameters")).addObject();
    p.put("name", "id").put("in", "path").put("required", true);
    p.putObject("schema").put("type", "string").put("maxLength", 256);
    respond(op, "404", "no such id", "Error");
    return op;
  }

  private ObjectNode nameOp(ObjectNode op) {
    ObjectNode p = ((ArrayNode) op.get("parameters")).addObject();
    p.put("name", "name").put("in", "path").put("required", true);
    p.putObject("schema").put("type", "string");
    respond(op, "404", "no such model", "Error");
    return op;
  }

  private void body(ObjectNode op) {
    op.putObject("requestBody").put("required", true).putObject("content").putObject("application/json").putObject("schema")
        .put("$ref", "#/components/schemas/Record");
    respond(op, "413", "body too large", "Error");
  }

  private static ObjectNode child(ObjectNode node, String name) {
    return (ObjectNode) node.get(name);
  }

  private ObjectNode components() {
    ObjectNode c = json.createObjectNode();
    ObjectNode s = c.putObject("schemas");
    object(s, "Error", "error", "string", "parameter", "string", "value", "string").putArray("required").add("error");
    object(s, "Item", "item", "string", "score", "number");
    ObjectNode rec = object(s, "Recommend", "user", "string", "model", "string", "fallback", "string");
    child(rec, "properties").putObject("items").put("type", "array").putObject("items").put("$ref", "#/components/schemas/Item");
    ObjectNode sim = object(s, "Similar", "item", "string", "model", "string");
    child(sim, "properties").putObject("items").put("type", "array").putObject("items").put("$ref", "#/components/schemas/Item");
    ObjectNode health = object(s, "Health", "status", "string");
    child(health, "properties").putObject("models").put("type", "array").putObject("items").put("type", "string");
    object(s, "Rejected", "line", "integer", "field", "string", "reason", "string");
    ObjectNode ingested = object(s, "Ingested", "accepted", "integer", "duplicates", "integer", "error", "string");
    child(ingested, "properties").putObject("rejected").put("type", "array").putObject("items").put("$ref", "#/components/schemas/Rejected");
    s.putObject("Record").put("type", "object").put("additionalProperties", true)
        .put("description", "item: categories, tags, available, published_at, expires_at, attributes; user: attributes");
    object(s, "Deleted", "deleted", "string");
    ObjectNode erased = object(s, "Erased", "deleted", "string", "erased_through_sequence", "integer", "events_erased", "integer",
        "segments_rewritten", "integer", "compacted", "boolean");
    child(erased, "properties").putObject("models_retraining").put("type", "array").putObject("items").put("type", "string");
    ObjectNode lifecycle = object(s, "Lifecycle", "model", "string", "promoted", "boolean", "version", "integer", "log_position", "integer",
        "reason", "string", "seconds", "number");
    lifecycle.put("description", "a training's or rollback's result; 202 (wait=false) answers {queued: name}");
    ObjectNode models = object(s, "Models");
    child(models, "properties").putObject("models").put("type", "array").putObject("items").put("type", "object")
        .put("description", "name, serving_version, algorithm, trained_on_log_position, log_position, training, pending_erasures, schedule,"
            + " versions [{version, created_at, algorithm, log_position, events, users, items, metrics, decision, serving}], last_attempt");
    ObjectNode scenes = object(s, "Scenes", "folder", "string", "reloaded", "boolean");
    child(scenes, "properties").putObject("scenes").put("type", "array").putObject("items").put("description",
        "GET: {name, budget, over_fetch, channels [{name, quota, effective_quota, timeout_ms}], filters, ranking, rerank, prerank {ranking, keep}?,"
            + " ads {bid}?}; POST: names");
    ObjectNode sceneRec = object(s, "SceneRecommend", "request_id", "string", "scene", "string", "user", "string", "item", "string",
        "offset", "integer", "ranking", "string", "trace", "object");
    child(sceneRec, "properties").putObject("items").put("type", "array").putObject("items").put("description", "{item, score, channels}; in ads mode also pctr, bid, ecpm (score = ecpm)");
    child(sceneRec, "properties").putObject("degraded").put("type", "array").putObject("items").put("description", "{channel, reason}");
    ObjectNode schemes = c.putObject("securitySchemes");
    schemes.putObject("bearer").put("type", "http").put("scheme", "bearer");
    schemes.putObject("apiKey").put("type", "apiKey").put("in", "header").put("name", "X-Api-Key");
    return c;
  }

  private ObjectNode object(ObjectNode schemas, String name, String... fieldTypes) {
    ObjectNode o = schemas.putObject(name).put("type", "object");
    ObjectNode props = o.putObject("properties");
    for (int i = 0; i < fieldTypes.length; i += 2) {
      props.putObject(fieldTypes[i]).put("type", fieldTypes[i + 1]);
    }
    return o;
  }
}
