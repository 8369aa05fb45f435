#include "backends/storage_sqlite/schema.hpp"

#include <array>

namespace callboard::backend::detail::sqlite_schema {

namespace {

// Model values are stored as their canonical JSON (callboard/model.hpp
// to_json, read back with the matching parser); the other columns exist for
// lookups, filters and ad-hoc SQL. Plugins get an integer key (`pkey`,
// assigned in id order by replace_plugins) that the side tables and the
// full-text index use.
//
// plugin_tokens holds each plugin's searchable columns as the tokens
// src/backends/search_common.cpp produces, joined by spaces; plugin_search
// is an FTS5 index over it (external content, rowid = plugins.pkey) whose
// `ascii` tokenizer splits those texts back into exactly the same tokens.
// The backend also builds its in-memory index for broad queries from
// plugin_tokens.
constexpr std::string_view kSchema1 = R"sql(
CREATE TABLE schema_migrations (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  TEXT NOT NULL
);

CREATE TABLE internal_state (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO internal_state(key, value) VALUES ('plugins.generation', 0);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE packuments (
  name          TEXT PRIMARY KEY,
  json          TEXT NOT NULL,
  latest        TEXT NOT NULL,
  modified      INTEGER NOT NULL,
  version_count INTEGER NOT NULL
);

CREATE TABLE sync (
  name          TEXT PRIMARY KEY,
  source        TEXT NOT NULL,
  status        INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  content_hash  TEXT NOT NULL,
  checked       INTEGER NOT NULL,
  changed       INTEGER NOT NULL,
  error         TEXT NOT NULL
);

CREATE TABLE plugins (
  pkey            INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  json            TEXT NOT NULL,
  title           TEXT NOT NULL,
  category        TEXT NOT NULL,
  category_key    TEXT NOT NULL,
  backend_system  TEXT NOT NULL,
  frontend_system TEXT NOT NULL,
  deprecated      INTEGER NOT NULL,
  score           REAL NOT NULL,
  last_published  INTEGER NOT NULL
);
CREATE INDEX plugins_category ON plugins(category_key);

CREATE TABLE plugin_roles (
  pkey INTEGER NOT NULL REFERENCES plugins(pkey) ON DELETE CASCADE,
  role TEXT NOT NULL,
  PRIMARY KEY (pkey, role)
) WITHOUT ROWID;
CREATE INDEX plugin_roles_role ON plugin_roles(role);

CREATE TABLE plugin_releases (
  pkey    INTEGER NOT NULL REFERENCES plugins(pkey) ON DELETE CASCADE,
  release TEXT NOT NULL,
  PRIMARY KEY (pkey, release)
) WITHOUT ROWID;
CREATE INDEX plugin_releases_release ON plugin_releases(release);

CREATE TABLE plugin_packages (
  package TEXT PRIMARY KEY,
  pkey    INTEGER NOT NULL REFERENCES plugins(pkey) ON DELETE CASCADE,
  kind    TEXT NOT NULL CHECK (kind IN ('package', 'module'))
);
CREATE INDEX plugin_packages_pkey ON plugin_packages(pkey);

CREATE TABLE releases (
  version  TEXT PRIMARY KEY,
  json     TEXT NOT NULL,
  sort_key TEXT NOT NULL
);

CREATE TABLE directory (
  id   TEXT PRIMARY KEY,
  json TEXT NOT NULL
);

CREATE TABLE plugin_tokens (
  pkey        INTEGER PRIMARY KEY REFERENCES plugins(pkey) ON DELETE CASCADE,
  names       TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT NOT NULL,
  keywords    TEXT NOT NULL,
  modules     TEXT NOT NULL
);

CREATE VIRTUAL TABLE plugin_search USING fts5(
  names, title, description, keywords, modules,
  content = 'plugin_tokens', content_rowid = 'pkey', tokenize = 'ascii', prefix = '2 3'
);
)sql";

// What verified package tarballs hold (ArtifactRecord), one row per package
// version. The record is kept as its JSON; integrity, verification time,
// backend system and dist-dynamic are columns for ad-hoc SQL. A rowid table:
// rows carry up to 4 MiB of schema text, which WITHOUT ROWID tables store
// poorly.
constexpr std::string_view kSchema2 = R"sql(
CREATE TABLE artifacts (
  name             TEXT NOT NULL,
  version          TEXT NOT NULL,
  integrity        TEXT NOT NULL,
  verified_at      INTEGER NOT NULL,
  backend_system   TEXT NOT NULL,
  has_dist_dynamic INTEGER NOT NULL,
  json             TEXT NOT NULL,
  UNIQUE (name, version)
);
)sql";

// The tenant-scoped stores (callboard/backend/tenant.hpp). Every table is
// keyed by tenant first, so every lookup of one tenant is an index range of
// its own rows and no query needs another tenant's. Times are milliseconds
// since the epoch; documents are the caller's text, kept as given.
constexpr std::string_view kSchema3 = R"sql(
CREATE TABLE tenant_decisions (
  tenant   TEXT NOT NULL,
  id       TEXT NOT NULL,
  at       INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  resource TEXT NOT NULL,
  outcome  TEXT NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX tenant_decisions_page ON tenant_decisions(tenant, at, id);

CREATE TABLE tenant_approvals (
  tenant          TEXT NOT NULL,
  id              TEXT NOT NULL,
  decision_id     TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  requested_by    TEXT NOT NULL,
  created         INTEGER NOT NULL,
  expires         INTEGER NOT NULL,
  state           TEXT NOT NULL,
  revision        INTEGER NOT NULL,
  document        TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX tenant_approvals_page ON tenant_approvals(tenant, created, id);
CREATE UNIQUE INDEX tenant_approvals_key ON tenant_approvals(tenant, idempotency_key) WHERE idempotency_key <> '';

CREATE TABLE tenant_audit (
  tenant   TEXT NOT NULL,
  idx      INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  kind     TEXT NOT NULL,
  actor    TEXT NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (tenant, idx)
);

CREATE TABLE tenant_audit_checkpoints (
  tenant TEXT NOT NULL,
  size   INTEGER NOT NULL,
  note   TEXT NOT NULL,
  PRIMARY KEY (tenant, size)
);

CREATE TABLE tenant_config (
  tenant   TEXT NOT NULL,
  key      TEXT NOT NULL,
  revision INTEGER NOT NULL,
  removed  INTEGER NOT NULL,
  document TEXT NOT NULL,
  at       INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  comment  TEXT NOT NULL,
  PRIMARY KEY (tenant, key, revision)
);

CREATE TABLE tenant_rollouts (
  tenant   TEXT NOT NULL,
  id       TEXT NOT NULL,
  revision INTEGER NOT NULL,
  finished INTEGER NOT NULL,
  updated  INTEGER NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
);

CREATE TABLE tenant_rollout_steps (
  tenant     TEXT NOT NULL,
  rollout_id TEXT NOT NULL,
  step       TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  token      INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  document   TEXT NOT NULL,
  PRIMARY KEY (tenant, rollout_id, step)
);
CREATE INDEX tenant_rollout_steps_order ON tenant_rollout_steps(tenant, rollout_id, seq);

CREATE TABLE tenant_leases (
  tenant  TEXT NOT NULL,
  name    TEXT NOT NULL,
  holder  TEXT NOT NULL,
  token   INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  PRIMARY KEY (tenant, name)
);
)sql";

// The typed index state replaces the free-form meta table: a package's
// links move into its sync row, the rest into the one row of index_state
// (seed_fingerprint NULL: never seeded; plugins_built_at '' : never built).
// Keys of meta that schema 3 did not use are dropped with it.
constexpr std::string_view kSchema4 = R"sql(
ALTER TABLE sync ADD COLUMN links TEXT NOT NULL DEFAULT '';
UPDATE sync SET links = coalesce((SELECT value FROM meta WHERE key = 'links/' || sync.name), '');

CREATE TABLE index_state (
  id                INTEGER PRIMARY KEY CHECK (id = 1),
  seed_fingerprint  TEXT,
  seed_names        TEXT NOT NULL,
  plugins_built_at  TEXT NOT NULL,
  plugins_stale     INTEGER NOT NULL,
  packages          INTEGER NOT NULL,
  versions          INTEGER NOT NULL,
  plugins           INTEGER NOT NULL,
  releases          INTEGER NOT NULL,
  directory_entries INTEGER NOT NULL
);
INSERT INTO index_state VALUES (
  1,
  (SELECT value FROM meta WHERE key = 'seed.fingerprint'),
  coalesce((SELECT value FROM meta WHERE key = 'seed.names'), ''),
  coalesce((SELECT value FROM meta WHERE key = 'plugins.built_at'), ''),
  coalesce((SELECT value <> '' FROM meta WHERE key = 'plugins.stale'), 0),
  coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'stats.packages'), 0),
  coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'stats.versions'), 0),
  coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'stats.plugins'), 0),
  coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'stats.releases'), 0),
  coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'stats.directory_entries'), 0)
);
DROP TABLE meta;
)sql";

constexpr std::array<Migration, 4> kMigrations{{
    {1, "initial schema: packuments, sync, plugins + FTS5, releases, directory, meta", kSchema1},
    {2, "artifacts: what verified package tarballs hold", kSchema2},
    {3, "tenant stores: decisions, approvals, audit, configuration, rollouts, leases", kSchema3},
    {4, "typed index state: sync links and index_state replace meta", kSchema4},
}};

}  // namespace

std::span<const Migration> migrations() noexcept { return kMigrations; }

int current_version() noexcept { return kMigrations.back().version; }

}  // namespace callboard::backend::detail::sqlite_schema
