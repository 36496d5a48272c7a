CREATE TABLE `advice_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`input_digest` text NOT NULL,
	`format` text NOT NULL,
	`status` text NOT NULL,
	`findings` text NOT NULL,
	`advice` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `epochs` (
	`run_id` text NOT NULL,
	`epoch` integer NOT NULL,
	`metrics` text NOT NULL,
	`seconds` real,
	PRIMARY KEY(`run_id`, `epoch`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `layer_stats` (
	`run_id` text NOT NULL,
	`epoch` integer NOT NULL,
	`layer` text NOT NULL,
	`dead_fraction` real,
	`grad_norm` real,
	`weight_norm` real,
	`update_ratio` real,
	PRIMARY KEY(`run_id`, `epoch`, `layer`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`model` text NOT NULL,
	`dataset` text NOT NULL,
	`status` text NOT NULL,
	`hyperparameters` text NOT NULL,
	`final` text,
	`parent_id` text,
	`started_at` text NOT NULL,
	`finished_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runs_started_idx` ON `runs` (`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_dataset_idx` ON `runs` (`dataset`);