CREATE TABLE `admin_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ip` text,
	`user_agent` text
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `connections` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`name` text NOT NULL,
	`alias` text,
	`base_url` text,
	`api_key_encrypted` text,
	`api_key_hint` text,
	`enabled` integer DEFAULT true NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`models_json` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_test_at` integer,
	`last_test_ok` integer,
	`last_test_latency_ms` integer,
	`last_test_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connections_alias_unique` ON `connections` (`alias`);--> statement-breakpoint
CREATE INDEX `connections_provider_idx` ON `connections` (`provider_id`);--> statement-breakpoint
CREATE TABLE `request_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`api_key_id` text,
	`surface` text NOT NULL,
	`requested_model` text,
	`provider_id` text,
	`connection_id` text,
	`upstream_model` text,
	`stream` integer NOT NULL,
	`status` integer NOT NULL,
	`latency_ms` integer NOT NULL,
	`ttfb_ms` integer,
	`tokens_in` integer,
	`tokens_out` integer,
	`tokens_cached` integer,
	`tokens_reasoning` integer,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `request_logs_started_at_idx` ON `request_logs` (`started_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
