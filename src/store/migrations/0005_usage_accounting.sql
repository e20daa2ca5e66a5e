CREATE TABLE `budgets` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`scope_id` text NOT NULL,
	`window_json` text NOT NULL,
	`limit_usd` real NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `quota_resets` (
	`connection_id` text NOT NULL,
	`window_id` text NOT NULL,
	`reset_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `window_id`)
);
--> statement-breakpoint
CREATE TABLE `request_bodies` (
	`request_id` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`request_body` text,
	`response_body` text
);
--> statement-breakpoint
CREATE INDEX `request_bodies_started_at_idx` ON `request_bodies` (`started_at`);--> statement-breakpoint
ALTER TABLE `connections` ADD `quota_json` text;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `cost_usd` real;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `usage_estimated` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `combo` text;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `combo_target` text;