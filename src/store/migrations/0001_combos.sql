CREATE TABLE `combos` (
	`name` text PRIMARY KEY NOT NULL,
	`strategy` text,
	`sticky_requests` integer,
	`enabled` integer DEFAULT true NOT NULL,
	`targets_json` text NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
