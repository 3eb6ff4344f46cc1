/** Fields across all four read subgraphs, several levels deep: products → reviews → authors → their reviews → products. */
export const HEAVY_QUERY = `query Heavy {
  products(first: 10) { edges { node {
    id name price { amount currency } stock { available } averageRating
    reviews(first: 4) { edges { node {
      rating body author { id name
        reviews(first: 3) { edges { node { rating product { id name inStock reviewCount vendor { name } } } } }
      }
    } } }
  } } }
}`;
