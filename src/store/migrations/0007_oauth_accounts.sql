ALTER TABLE `connections` ADD `oauth_encrypted` text;--> statement-breakpoint
ALTER TABLE `connections` ADD `oauth_meta_json` text;--> statement-breakpoint
ALTER TABLE `connections` ADD `auth_state` text;--> statement-breakpoint
ALTER TABLE `connections` ADD `auth_error` text;