// The admin panel end to end: the real wws binary serves a project with --enable-panel and an
// admin token; Debian's chromium, driven headless by playwright-core, signs in, reads the
// workers list and a worker's live figures, reveals its vars, and reads the last errors. The
// management API's answers are checked against its OpenAPI document with ajv.
// Run by tests/panel/run.sh (ctest: panel_browser). Env: WWS_BINARY, WWS_TEST_WORKERS,
// PANEL_SCREENSHOT (a folder: where to write screenshots of the workers and a worker's page).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import Ajv from "ajv";

const TOKEN = "panel-test-token";
const binary = process.env.WWS_BINARY;
const workers = process.env.WWS_TEST_WORKERS;
assert.ok(binary && workers, "WWS_BINARY and WWS_TEST_WORKERS must be set (run through tests/panel/run.sh)");

let project, server, base, browser, page, profile;

function makeProject() {
  const root = mkdtempSync(join(tmpdir(), "wws-panel-"));
  copyFileSync(join(workers, "hello.wasm"), join(root, "hello.wasm"));
  copyFileSync(join(workers, "trap.wasm"), join(root, "trap.wasm"));
  mkdirSync(join(root, "api"));
  writeFileSync(join(root, "api", "[id].js"),
    "export default { fetch(req) { return Response.json({ id: req.params.id, greeting: GREETING }); } };\n");
  writeFileSync(join(root, "api", "[id].toml"),
    'name = "users"\nversion = "2"\n[vars]\nGREETING = "hi"\nAPI_KEY = "sk-live-1234"\n[data.kv]\nnamespace = "users"\n');
  return root;
}

function startServer(root) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [root, "--port", "0", "--enable-panel", "--admin-token", TOKEN],
                        { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => reject(new Error("wws did not start:\n" + out)), 30000);
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(/Start serving requests at (http:\/\/[^\s]+)/);
      if (m) { clearTimeout(timer); resolve({ child, base: m[1] }); }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`wws exited with ${code}:\n${out}`)));
  });
}

async function get(path, token = TOKEN) {
  const response = await fetch(base + path, { headers: token ? { Authorization: "Bearer " + token } : {} });
  return { status: response.status, body: await response.json() };
}

before(async () => {
  project = makeProject();
  ({ child: server, base } = await startServer(project));
  profile = mkdtempSync(join(tmpdir(), "wws-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1360, height: 760 },
    // Without the background-networking flags chromium keeps trying to reach Google's servers.
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = browser.pages()[0] || (await browser.newPage());
  page.setDefaultTimeout(15000);
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  if (project) rmSync(project, { recursive: true, force: true });
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test("the panel asks for the token and refuses a wrong one", async () => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(base + "/_panel/");
  await page.waitForSelector("form input[name=token]");
  await page.fill("input[name=token]", "wrong");
  await page.click("form button[type=submit]");
  await page.waitForSelector("text=That token was not accepted.");
  await page.fill("input[name=token]", TOKEN);
  await page.click("form button[type=submit]");
  await page.waitForSelector("table#workers tbody tr[data-worker]");
  assert.deepEqual(errors, []);
});

test("the workers list shows every route with live figures", async () => {
  for (let i = 0; i < 30; i++) assert.equal((await fetch(base + "/hello")).status, 200);
  for (let i = 0; i < 5; i++) assert.equal((await fetch(base + "/api/" + i)).status, 200);
  for (let i = 0; i < 3; i++) assert.equal((await fetch(base + "/trap?n=" + i)).status, 500);
  const { body: list } = await get("/_api/v0/workers");
  const hello = list.find((w) => w.path === "/hello");
  const row = page.locator(`tr[data-worker="${hello.id}"]`);
  // The page polls every 2 s: wait for the figures to arrive.
  await row.locator('[data-figure=requests]', { hasText: "30" }).waitFor();
  const routes = await page.locator("table#workers tbody tr td:first-child").allTextContents();
  assert.deepEqual(routes.sort(), ["/api/[id]", "/hello", "/trap"]);
  const trap = list.find((w) => w.path === "/trap");
  await page.locator(`tr[data-worker="${trap.id}"] [data-figure=errors]`, { hasText: "3" }).waitFor();
  await page.waitForFunction(() => document.querySelector("#error-count")?.textContent === "3");
  if (process.env.PANEL_SCREENSHOT) await page.screenshot({ path: process.env.PANEL_SCREENSHOT + "/panel.png" });
});

test("a worker's page shows its configuration, figures and hidden vars", async () => {
  const { body: list } = await get("/_api/v0/workers");
  const users = list.find((w) => w.path === "/api/[id]");
  await page.click(`tr[data-worker="${users.id}"] a`);
  await page.waitForURL(`**/_panel/workers/${users.id}`);
  await page.locator("[data-figure=requests]", { hasText: "5" }).waitFor();
  const text = await page.locator("main").innerText();
  assert.match(text, /users/);
  assert.match(text, /K\/V namespace\s+users/);
  assert.match(text, /\[id\]\.js/);
  const vars = await page.locator("table#vars").innerText();
  assert.match(vars, /API_KEY\s+\(hidden\)/);
  assert.doesNotMatch(await page.content(), /sk-live-1234/);
  await page.click("#toggle-vars");
  await page.locator("table#vars", { hasText: "sk-live-1234" }).waitFor();
  const instances = Number(await page.locator("[data-figure=instances]").innerText());
  assert.ok(instances >= 1, `instances: ${instances}`);
  assert.notEqual(await page.locator("[data-figure=memory]").innerText(), "–");
  await page.click("#toggle-vars");
  await page.locator("table#vars", { hasText: "(hidden)" }).waitFor();
  if (process.env.PANEL_SCREENSHOT) await page.screenshot({ path: process.env.PANEL_SCREENSHOT + "/panel-worker.png", fullPage: true });
});

test("the errors page lists the failed runs with their cause", async () => {
  await page.click("nav a[data-nav=errors]");
  await page.waitForURL("**/_panel/errors");
  await page.waitForSelector("table.errors[data-errors='3']");
  const text = await page.locator("table.errors").innerText();
  assert.match(text, /\/trap/);
  assert.match(text, /GET \/trap → 500/);
  assert.match(text, /trapped/);
  assert.match(text, /unreachable/);
  // Back to the list through the browser's history.
  await page.goBack();
  await page.waitForURL(/_panel\/workers\//);
});

test("the reload button picks up a new worker", async () => {
  await page.click("nav a[data-nav=workers]");
  await page.waitForSelector("table#workers tbody tr[data-worker]");
  assert.equal(await page.locator("#reload").isVisible(), true);
  writeFileSync(join(project, "added.js"), "export default { fetch() { return new Response('added'); } };\n");
  await page.click("#reload");
  await page.locator("#notice", { hasText: "Reloaded: 1 added" }).waitFor();
  await page.locator("table#workers tbody td:first-child", { hasText: "/added" }).waitFor();
  assert.equal(await (await fetch(base + "/added")).text(), "added");
});

test("the API's answers match its OpenAPI document", async () => {
  const spec = (await get("/_api/v0/openapi.json", null)).body;
  // OpenAPI 3.0's `nullable` is not JSON Schema: turn it into a union type for ajv.
  const convert = (node) => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== "object") return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "nullable" || k === "example") continue;
      out[k] = k === "$ref" ? v.replace("#/components/schemas/", "#/definitions/") : convert(v);
    }
    if (node.nullable && typeof node.type === "string") out.type = [node.type, "null"];
    return out;
  };
  const definitions = convert(spec.components.schemas);
  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = (schema, value, what) => {
    const validate = ajv.compile({ definitions, ...convert(schema) });
    assert.ok(validate(value), what + ": " + JSON.stringify(validate.errors, null, 1));
  };
  const schemaOf = (path, method = "get", status = "200") =>
    spec.paths[path][method].responses[status].content["application/json"].schema;

  const list = await get("/_api/v0/workers");
  check(schemaOf("/_api/v0/workers"), list.body, "workers");
  for (const w of list.body) {
    check(schemaOf("/_api/v0/workers/{id}"), (await get("/_api/v0/workers/" + w.id)).body, "worker " + w.path);
    check(schemaOf("/_api/v0/workers/{id}"), (await get(`/_api/v0/workers/${w.id}?reveal=vars`)).body, "worker");
  }
  const missing = await get("/_api/v0/workers/" + "0".repeat(64));
  assert.equal(missing.status, 404);
  check(schemaOf("/_api/v0/workers/{id}", "get", "404"), missing.body, "404");
  check(schemaOf("/_api/v0/stats"), (await get("/_api/v0/stats")).body, "stats");
  check(schemaOf("/_api/v0/errors"), (await get("/_api/v0/errors")).body, "errors");
  check(schemaOf("/_api/v0/health"), (await get("/_api/v0/health", null)).body, "health");
  const reloaded = await fetch(base + "/_api/v0/reload",
    { method: "POST", headers: { Authorization: "Bearer " + TOKEN, "Content-Type": "application/json" }, body: "{}" });
  assert.equal(reloaded.status, 200);
  check(schemaOf("/_api/v0/reload", "post"), await reloaded.json(), "reload");
  const refused = await get("/_api/v0/workers", null);
  assert.equal(refused.status, 401);
  check(schemaOf("/_api/v0/workers", "get", "401"), refused.body, "401");
  // Every path the document lists answers (no document for an API that does not exist).
  for (const path of Object.keys(spec.paths)) {
    if (path.includes("{") || path.endsWith("/reload")) continue;
    const r = await fetch(base + path, { headers: { Authorization: "Bearer " + TOKEN } });
    assert.equal(r.status, 200, path);
  }
});
