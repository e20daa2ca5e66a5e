ALTER TABLE `api_keys` ADD `cache_ttl_seconds` integer;--> statement-breakpoint
ALTER TABLE `combos` ADD `cache_ttl_seconds` integer;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `cache` text;