-- Search answers are cached until the read model changes (src/search.ts, kit ChangeCache): a
-- change to anything an answer depends on — what matches (name, description, listed, archived),
-- the filters and facets (category, vendor, price, rating, in stock) and the sort keys
-- (created_at too) — notifies read_model_search at commit. A stock count that leaves in-stock as
-- it was (most StockChanged under ordering) changes no answer and notifies nothing.
CREATE FUNCTION search_products_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Identical notifications of one transaction are delivered once.
  PERFORM pg_notify('read_model_search', 'changed');
  RETURN NULL;
END $$;
CREATE TRIGGER search_products_added AFTER INSERT OR DELETE ON search_products
  FOR EACH STATEMENT EXECUTE FUNCTION search_products_notify();
CREATE TRIGGER search_products_changed AFTER UPDATE ON search_products FOR EACH ROW
  WHEN ((OLD.listed, OLD.archived, OLD.name, OLD.description, OLD.vendor_id, OLD.category_id, OLD.price, OLD.rating, OLD.in_stock, OLD.created_at)
    IS DISTINCT FROM (NEW.listed, NEW.archived, NEW.name, NEW.description, NEW.vendor_id, NEW.category_id, NEW.price, NEW.rating, NEW.in_stock, NEW.created_at))
  EXECUTE FUNCTION search_products_notify();
