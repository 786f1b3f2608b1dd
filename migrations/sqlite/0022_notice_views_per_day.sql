-- +goose Up
-- The notice period records the opening of an account outside the person's own book once
-- per account and day (day is YYYY-MM-DD in UTC; '' on the rows recorded before, which
-- were every opening).
ALTER TABLE notice_events ADD COLUMN day TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX notice_events_view_day ON notice_events (user_id, account_id, day) WHERE kind = 'view' AND day <> '';

-- +goose Down
DROP INDEX notice_events_view_day;
ALTER TABLE notice_events DROP COLUMN day;
