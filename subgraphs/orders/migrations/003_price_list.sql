-- product_prices becomes a read model of catalog's events (ProductCreated/Updated/Archived):
-- `version` is the catalog's change counter, so a late, older event never overwrites a newer
-- price; `archived` products cannot be ordered. Demo products keep their seeded rows (version 1,
-- as catalog seeds them).
ALTER TABLE product_prices ADD COLUMN archived boolean NOT NULL DEFAULT false;
ALTER TABLE product_prices ADD COLUMN version int NOT NULL DEFAULT 1;
