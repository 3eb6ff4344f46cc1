-- A demo image's variants follow from (seed, product index): stored as those two numbers instead
-- of a JSON document per product, so seeding 10,000 products writes no variant lists.
ALTER TABLE media ADD COLUMN demo_seed integer, ADD COLUMN demo_index integer;
