import type Database from 'better-sqlite3';

/** Each migration runs once, in order, those a database lacks together in one transaction; PRAGMA user_version counts them. */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  {
    name: 'runs, states, logs, concurrency and cache',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta (key, value) VALUES ('application', 'flowdeck');

      CREATE TABLE flows (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE flow_runs (
        id TEXT PRIMARY KEY,
        flow_id TEXT NOT NULL,
        flow_name TEXT NOT NULL,
        name TEXT NOT NULL,
        state_type TEXT NOT NULL,
        state_name TEXT NOT NULL,
        -- The full current state is the states row state_id points at.
        state_id INTEGER NOT NULL,
        parameters TEXT NOT NULL,
        tags TEXT NOT NULL,
        parent_flow_run_id TEXT,
        parent_task_run_id TEXT,
        entrypoint TEXT,
        run_count INTEGER NOT NULL DEFAULT 0,
        retry_policy TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        start_time INTEGER,
        end_time INTEGER,
        heartbeat_at INTEGER,
        pid INTEGER,
        hostname TEXT,
        result TEXT,
        last_transition_id TEXT
      );
      CREATE INDEX ix_flow_runs_created ON flow_runs (created_at DESC);
      CREATE INDEX ix_flow_runs_flow ON flow_runs (flow_name, created_at DESC);
      CREATE INDEX ix_flow_runs_state ON flow_runs (state_type, created_at DESC);
      CREATE INDEX ix_flow_runs_parent ON flow_runs (parent_flow_run_id) WHERE parent_flow_run_id IS NOT NULL;
      CREATE INDEX ix_flow_runs_owned ON flow_runs (heartbeat_at)
        WHERE state_type NOT IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED') AND pid IS NOT NULL;

      CREATE TABLE task_runs (
        id TEXT PRIMARY KEY,
        flow_run_id TEXT NOT NULL,
        task_key TEXT NOT NULL,
        name TEXT NOT NULL,
        dynamic_key INTEGER NOT NULL,
        state_type TEXT NOT NULL,
        state_name TEXT NOT NULL,
        -- The full current state is the states row state_id points at.
        state_id INTEGER NOT NULL,
        tags TEXT NOT NULL,
        run_count INTEGER NOT NULL DEFAULT 0,
        retry_policy TEXT NOT NULL,
        cache_key TEXT,
        inputs TEXT,
        upstream TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        start_time INTEGER,
        end_time INTEGER,
        result TEXT,
        last_transition_id TEXT
      );
      CREATE INDEX ix_task_runs_flow_run ON task_runs (flow_run_id, created_at);

      CREATE TABLE states (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL,
        run_kind TEXT NOT NULL,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        message TEXT,
        error TEXT,
        scheduled_time INTEGER,
        transition_id TEXT,
        cache_key TEXT,
        result_ref TEXT,
        -- A run's history is a chain from its run row's state_id back through previous_id: no
        -- index to keep up on every transition.
        previous_id INTEGER
      );

      CREATE TABLE logs (
        id INTEGER PRIMARY KEY,
        flow_run_id TEXT NOT NULL,
        task_run_id TEXT,
        level INTEGER NOT NULL,
        message TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        logger TEXT
      );
      CREATE INDEX ix_logs_flow_run ON logs (flow_run_id, id);

      CREATE TABLE concurrency_limits (
        tag TEXT PRIMARY KEY,
        slot_limit INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE concurrency_slots (
        tag TEXT NOT NULL,
        task_run_id TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        PRIMARY KEY (tag, task_run_id)
      );
      CREATE INDEX ix_concurrency_slots_run ON concurrency_slots (task_run_id);

      CREATE TABLE cache_entries (
        cache_key TEXT PRIMARY KEY,
        result_ref TEXT NOT NULL,
        task_run_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER
      );
    `,
  },
  {
    // Listings page by (created_at, id), newest first: each filter gets an index in that order,
    // so a page is a short walk down one index however many runs the store holds.
    name: 'flow-run listing indexes and tags',
    sql: `
      DROP INDEX ix_flow_runs_created;
      DROP INDEX ix_flow_runs_flow;
      DROP INDEX ix_flow_runs_state;
      DROP INDEX ix_flow_runs_parent;
      CREATE INDEX ix_flow_runs_created ON flow_runs (created_at DESC, id DESC);
      CREATE INDEX ix_flow_runs_flow ON flow_runs (flow_name, created_at DESC, id DESC);
      CREATE INDEX ix_flow_runs_state ON flow_runs (state_type, created_at DESC, id DESC);
      -- "the failed runs of this flow": either index alone may walk far past runs that do not match.
      CREATE INDEX ix_flow_runs_flow_state ON flow_runs (flow_name, state_type, created_at DESC, id DESC);
      CREATE INDEX ix_flow_runs_parent ON flow_runs (parent_flow_run_id, created_at DESC, id DESC)
        WHERE parent_flow_run_id IS NOT NULL;

      -- A run's tags, one row each, so a tag filter walks an index instead of parsing every
      -- run's JSON. Kept by triggers: a run's tags never change after it is created.
      CREATE TABLE flow_run_tags (
        tag TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        flow_run_id TEXT NOT NULL,
        PRIMARY KEY (tag, created_at, flow_run_id)
      ) WITHOUT ROWID;
      CREATE INDEX ix_flow_run_tags_run ON flow_run_tags (flow_run_id, tag);
      INSERT OR IGNORE INTO flow_run_tags (tag, created_at, flow_run_id)
        SELECT j.value, r.created_at, r.id FROM flow_runs r, json_each(r.tags) j WHERE j.type = 'text';
      CREATE TRIGGER tr_flow_run_tags_insert AFTER INSERT ON flow_runs BEGIN
        INSERT OR IGNORE INTO flow_run_tags (tag, created_at, flow_run_id)
          SELECT value, NEW.created_at, NEW.id FROM json_each(NEW.tags) WHERE type = 'text';
      END;
      CREATE TRIGGER tr_flow_run_tags_delete AFTER DELETE ON flow_runs BEGIN
        DELETE FROM flow_run_tags WHERE flow_run_id = OLD.id;
      END;
    `,
  },
  {
    // A paused run's process reads its input from here once it hears the run is Running again.
    // One row per pause, named by the transition id of its Paused state, so a run that pauses
    // twice never reads the first answer for the second pause.
    name: 'inputs of resumed flow runs',
    sql: `
      CREATE TABLE flow_run_resumes (
        flow_run_id TEXT NOT NULL,
        pause_id TEXT NOT NULL,
        -- JSON; NULL when the run was resumed without input.
        input TEXT,
        resumed_at INTEGER NOT NULL,
        PRIMARY KEY (flow_run_id, pause_id)
      ) WITHOUT ROWID;
      CREATE TRIGGER tr_flow_run_resumes_delete AFTER DELETE ON flow_runs BEGIN
        DELETE FROM flow_run_resumes WHERE flow_run_id = OLD.id;
      END;
    `,
  },
  {
    // The runs page searches run names for any part of them. A trigram index finds the few runs
    // that hold a rare piece of text without reading every name; common text is found faster by
    // walking runs in order (see flow-run-page-query.ts). Contentless and keyed by the flow_runs
    // rowid: some 30 bytes a run. flow_runs has no INTEGER PRIMARY KEY, so SQLite does not promise
    // its rowids stay put; nothing here rebuilds the table (VACUUM keeps them as it copies rows),
    // and whatever ever does must refill this index.
    name: 'flow-run name search',
    sql: `
      CREATE VIRTUAL TABLE flow_run_search USING fts5(
        name, content = '', contentless_delete = 1, tokenize = 'trigram', detail = none
      );
      INSERT INTO flow_run_search (rowid, name) SELECT rowid, name FROM flow_runs;
      CREATE TRIGGER tr_flow_run_search_insert AFTER INSERT ON flow_runs BEGIN
        INSERT INTO flow_run_search (rowid, name) VALUES (NEW.rowid, NEW.name);
      END;
      CREATE TRIGGER tr_flow_run_search_update AFTER UPDATE OF name ON flow_runs BEGIN
        DELETE FROM flow_run_search WHERE rowid = OLD.rowid;
        INSERT INTO flow_run_search (rowid, name) VALUES (NEW.rowid, NEW.name);
      END;
      CREATE TRIGGER tr_flow_run_search_delete AFTER DELETE ON flow_runs BEGIN
        DELETE FROM flow_run_search WHERE rowid = OLD.rowid;
      END;
    `,
  },
  {
    // What each pause of a flow run waits for, named like its resume by the transition id of its
    // Paused state: the resume route checks the input against the schema before it wakes the run.
    name: 'what paused flow runs wait for',
    sql: `
      CREATE TABLE flow_run_pauses (
        flow_run_id TEXT NOT NULL,
        pause_id TEXT NOT NULL,
        reason TEXT,
        -- JSON Schema of the input; NULL when any input (or none) will do.
        input_schema TEXT,
        timeout_at INTEGER,
        PRIMARY KEY (flow_run_id, pause_id)
      ) WITHOUT ROWID;
      CREATE TRIGGER tr_flow_run_pauses_delete AFTER DELETE ON flow_runs BEGIN
        DELETE FROM flow_run_pauses WHERE flow_run_id = OLD.id;
      END;
    `,
  },
  {
    // A debug run's breakpoints: where each task run stopped (named by the transition id of its
    // Breakpoint state) and the answers people gave, numbered so a paused process reads only the
    // answers after the last it saw.
    name: 'breakpoints of debug runs',
    sql: `
      CREATE TABLE task_run_breakpoints (
        task_run_id TEXT NOT NULL,
        breakpoint_id TEXT NOT NULL,
        flow_run_id TEXT NOT NULL,
        -- The arguments as JSON; NULL when they cannot be written as JSON.
        inputs TEXT,
        reason TEXT,
        error TEXT,
        paused_at INTEGER NOT NULL,
        PRIMARY KEY (task_run_id, breakpoint_id)
      ) WITHOUT ROWID;
      CREATE TABLE breakpoint_answers (
        id INTEGER PRIMARY KEY,
        flow_run_id TEXT NOT NULL,
        task_run_id TEXT NOT NULL,
        breakpoint_id TEXT NOT NULL,
        action TEXT NOT NULL,
        inputs TEXT,
        result TEXT,
        answered_at INTEGER NOT NULL
      );
      CREATE INDEX ix_breakpoint_answers_flow_run ON breakpoint_answers (flow_run_id, id);
      -- What each debug run was started with (JSON): a run not here is no debug run.
      CREATE TABLE debug_runs (flow_run_id TEXT PRIMARY KEY, options TEXT NOT NULL) WITHOUT ROWID;
      CREATE TRIGGER tr_breakpoints_delete AFTER DELETE ON flow_runs BEGIN
        DELETE FROM debug_runs WHERE flow_run_id = OLD.id;
        DELETE FROM task_run_breakpoints WHERE flow_run_id = OLD.id;
        DELETE FROM breakpoint_answers WHERE flow_run_id = OLD.id;
      END;
    `,
  },
  {
    name: 'attempts of task runs, reused results and runs from a chosen task',
    sql: `
      -- Which attempt of its flow run made a task run, so a retried run's attempts stay apart.
      ALTER TABLE task_runs ADD COLUMN flow_run_attempt INTEGER NOT NULL DEFAULT 1;
      -- The task run whose recorded result a Cached task run reused instead of running.
      ALTER TABLE task_runs ADD COLUMN reused_from TEXT;
      -- A run from a chosen task: the run it came from and the task run it ran again from.
      ALTER TABLE flow_runs ADD COLUMN rerun_of TEXT;
      ALTER TABLE flow_runs ADD COLUMN rerun_from TEXT;
      -- Where the compiled code a run ran is kept, to run it again as it was.
      ALTER TABLE flow_runs ADD COLUMN code_ref TEXT;
      CREATE INDEX ix_flow_runs_rerun_of ON flow_runs (rerun_of, created_at DESC) WHERE rerun_of IS NOT NULL;
    `,
  },
  {
    // Work pools, names of things people type: deployments and workers name their pool and queue
    // by name, and a pool is never renamed.
    name: 'deployments, their schedules, work pools, queues, workers and the runs they claim',
    sql: `
      CREATE TABLE work_pools (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        description TEXT,
        paused INTEGER NOT NULL DEFAULT 0,
        concurrency_limit INTEGER,
        -- JSON: {env, workingDir, command}.
        job_template TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE work_queues (
        id TEXT PRIMARY KEY,
        work_pool TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        -- 1 is served first.
        priority INTEGER NOT NULL,
        concurrency_limit INTEGER,
        paused INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        UNIQUE (work_pool, name)
      );
      -- A pool's queues in the order claims serve them.
      CREATE UNIQUE INDEX ux_work_queues_priority ON work_queues (work_pool, priority, name);

      CREATE TABLE workers (
        id TEXT PRIMARY KEY,
        work_pool TEXT NOT NULL,
        name TEXT NOT NULL,
        -- JSON list of queue names; empty for all of the pool's queues.
        queues TEXT NOT NULL,
        run_limit INTEGER,
        hostname TEXT,
        pid INTEGER,
        started_at INTEGER NOT NULL,
        last_heartbeat_at INTEGER NOT NULL,
        -- Set when the worker said it stopped; silence past the offline time counts the same.
        offline INTEGER NOT NULL DEFAULT 0,
        UNIQUE (work_pool, name)
      );

      CREATE TABLE deployments (
        id TEXT PRIMARY KEY,
        flow_name TEXT NOT NULL,
        name TEXT NOT NULL,
        entrypoint TEXT NOT NULL,
        description TEXT,
        version TEXT,
        tags TEXT NOT NULL,
        parameters TEXT NOT NULL,
        parameter_schema TEXT,
        work_pool TEXT,
        work_queue TEXT,
        retry_policy TEXT NOT NULL,
        concurrency_limit INTEGER,
        collision_strategy TEXT NOT NULL,
        catch_up TEXT NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0,
        bundle TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (flow_name, name)
      );
      CREATE INDEX ix_deployments_pool ON deployments (work_pool) WHERE work_pool IS NOT NULL;

      CREATE TABLE deployment_schedules (
        id TEXT PRIMARY KEY,
        deployment_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        -- The schedule as given, JSON: an unchanged one keeps its id and its runs.
        definition TEXT NOT NULL,
        active INTEGER NOT NULL,
        last_scheduled_time INTEGER
      );
      CREATE INDEX ix_deployment_schedules_deployment ON deployment_schedules (deployment_id, position);

      ALTER TABLE flow_runs ADD COLUMN deployment_id TEXT;
      -- The deployment's own name (its flow is the run's): runs name it after it is deleted too.
      ALTER TABLE flow_runs ADD COLUMN deployment_name TEXT;
      ALTER TABLE flow_runs ADD COLUMN work_pool TEXT;
      ALTER TABLE flow_runs ADD COLUMN work_queue TEXT;
      ALTER TABLE flow_runs ADD COLUMN worker_name TEXT;
      ALTER TABLE flow_runs ADD COLUMN expected_start_time INTEGER;
      ALTER TABLE flow_runs ADD COLUMN auto_scheduled INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE flow_runs ADD COLUMN schedule_id TEXT;
      -- A run asked for with a key is made once per deployment; a schedule's runs use
      -- 'schedule:<scheduleId>:<time>', so no schedule makes two runs for one time.
      ALTER TABLE flow_runs ADD COLUMN idempotency_key TEXT;
      CREATE UNIQUE INDEX ux_flow_runs_idempotency ON flow_runs (deployment_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;

      -- Every index below holds deployment runs only: runs started by hand pay nothing for them.
      -- Claims: each queue's due runs by time, walked queue by queue in priority order; a serve
      -- process's, by deployment.
      CREATE INDEX ix_flow_runs_queue_due ON flow_runs (work_pool, work_queue, state_type, expected_start_time)
        WHERE deployment_id IS NOT NULL;
      CREATE INDEX ix_flow_runs_deployment_due ON flow_runs (deployment_id, state_type, expected_start_time)
        WHERE deployment_id IS NOT NULL;
      -- Upcoming and late runs, and marking them Late.
      CREATE INDEX ix_flow_runs_waiting ON flow_runs (state_type, state_name, expected_start_time)
        WHERE deployment_id IS NOT NULL;
      -- The runs list filtered by deployment, in its order.
      CREATE INDEX ix_flow_runs_deployment ON flow_runs (deployment_id, created_at DESC, id DESC)
        WHERE deployment_id IS NOT NULL;
      CREATE INDEX ix_flow_runs_schedule ON flow_runs (schedule_id, state_type, expected_start_time)
        WHERE schedule_id IS NOT NULL;
      -- What a worker holds.
      CREATE INDEX ix_flow_runs_worker ON flow_runs (work_pool, worker_name, state_type)
        WHERE worker_name IS NOT NULL;
    `,
  },
  {
    // Only runs in a pool are in these: runs started by hand or served pay nothing for them.
    name: 'the runs list filtered by work pool, by queue and by state, in its order',
    sql: `
      CREATE INDEX ix_flow_runs_pool ON flow_runs (work_pool, created_at DESC, id DESC)
        WHERE work_pool IS NOT NULL;
      CREATE INDEX ix_flow_runs_pool_queue ON flow_runs (work_pool, work_queue, created_at DESC, id DESC)
        WHERE work_pool IS NOT NULL;
      CREATE INDEX ix_flow_runs_pool_state ON flow_runs (work_pool, state_type, created_at DESC, id DESC)
        WHERE work_pool IS NOT NULL;
    `,
  },
  {
    // seq orders artifacts by creation (the newest highest) and is the listings' page cursor.
    name: 'artifacts: what runs produce for people to read, versioned by key',
    sql: `
      CREATE TABLE artifacts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        key TEXT,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        description TEXT,
        flow_run_id TEXT NOT NULL,
        task_run_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- A key's versions, its latest, and the latest of every key.
      CREATE INDEX ix_artifacts_key ON artifacts (key, seq) WHERE key IS NOT NULL;
      CREATE INDEX ix_artifacts_flow_run ON artifacts (flow_run_id, seq);
      CREATE INDEX ix_artifacts_task_run ON artifacts (task_run_id, seq) WHERE task_run_id IS NOT NULL;
    `,
  },
  {
    name: 'variables',
    sql: `
      -- Shared JSON values by name; tags a JSON list. Sorted by name in every listing, so the key is the order.
      CREATE TABLE variables (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    // Secret fields are sealed by the server before they get here: the file never holds them in the clear.
    name: 'blocks: configuration and credentials by type and name',
    sql: `
      CREATE TABLE blocks (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        data TEXT NOT NULL,
        sealed TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX ix_blocks_type_name ON blocks (type, name);
    `,
  },
  {
    // Firings are recorded from the states rows after a cursor kept here, so a restart picks up
    // where it left off; each firing's actions wait in the outbox (deliveries) until they are done.
    name: 'automations: their firings and the outbox of their actions',
    sql: `
      CREATE TABLE automations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        actions TEXT NOT NULL,
        -- Only states stored after this states row id fire it: none from before it existed.
        from_state_id INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE automation_cursor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        state_id INTEGER NOT NULL
      );
      INSERT INTO automation_cursor (id, state_id) SELECT 1, COALESCE(MAX(id), 0) FROM states;
      CREATE TABLE automation_firings (
        id TEXT PRIMARY KEY,
        automation_id TEXT NOT NULL,
        flow_run_id TEXT NOT NULL,
        state_id INTEGER NOT NULL,
        state_type TEXT NOT NULL,
        state_name TEXT NOT NULL,
        state_message TEXT,
        fired_at INTEGER NOT NULL,
        UNIQUE (automation_id, state_id)
      );
      CREATE INDEX ix_automation_firings_automation ON automation_firings (automation_id, fired_at DESC);
      CREATE TABLE automation_deliveries (
        id TEXT PRIMARY KEY,
        firing_id TEXT NOT NULL,
        automation_id TEXT NOT NULL,
        action_index INTEGER NOT NULL,
        -- The action as it was when it fired: later edits do not change what is owed.
        action TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        -- When pending: when to try next; when running: when its lease runs out.
        next_attempt_at INTEGER,
        last_error TEXT,
        done_at INTEGER
      );
      CREATE INDEX ix_automation_deliveries_due ON automation_deliveries (next_attempt_at) WHERE status IN ('pending', 'running');
      CREATE INDEX ix_automation_deliveries_firing ON automation_deliveries (firing_id);
    `,
  },
  {
    // The last load of each block: which flow run read its secrets in the clear, and when.
    name: 'block loads: the last load of each block',
    sql: `
      CREATE TABLE block_loads (
        block_id TEXT PRIMARY KEY,
        flow_run_id TEXT,
        loaded_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function refuseNewer(version: number): void {
  if (version > MIGRATIONS.length) {
    throw new Error(`the database has schema version ${version}, newer than this Flowdeck knows (${MIGRATIONS.length}); upgrade Flowdeck`);
  }
}

/**
 * Brings the database up to date, every missing step in one transaction; refuses one written by a
 * newer Flowdeck. A database already up to date is only read: no write lock is taken.
 */
export function migrate(db: Database.Database): void {
  const seen = schemaVersion(db);
  refuseNewer(seen);
  if (seen === MIGRATIONS.length) return;
  // Read the version again inside the write lock: another process may be migrating the same file.
  db.transaction(() => {
    const current = schemaVersion(db);
    refuseNewer(current);
    for (let version = current; version < MIGRATIONS.length; version++) db.exec(MIGRATIONS[version].sql);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
