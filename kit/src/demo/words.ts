/** Vocabulary for believable product names: each category has its own nouns. */
/** `crafted`: names take a material ("Oak Side Table"); others do not ("Olive Oil"). */
export const CATEGORIES: { name: string; nouns: string[]; crafted: boolean; price: [number, number] }[] = [
  { name: 'Kitchen', nouns: ['Chef Knife', 'Cutting Board', 'Saucepan', 'Dutch Oven', 'Whisk'], crafted: true, price: [8, 180] },
  { name: 'Coffee & Tea', nouns: ['Pour-Over Set', 'Burr Grinder', 'Teapot', 'French Press', 'Mug'], crafted: true, price: [6, 240] },
  { name: 'Furniture', nouns: ['Side Table', 'Bookshelf', 'Lounge Chair', 'Desk', 'Stool'], crafted: true, price: [45, 900] },
  { name: 'Lighting', nouns: ['Floor Lamp', 'Pendant Light', 'Desk Lamp', 'Lantern', 'Wall Sconce'], crafted: true, price: [19, 320] },
  { name: 'Bedding', nouns: ['Duvet Cover', 'Pillowcase Set', 'Throw Blanket', 'Quilt', 'Sheet Set'], crafted: true, price: [19, 260] },
  { name: 'Bath', nouns: ['Bath Towel', 'Bath Mat', 'Soap Dish', 'Robe', 'Shower Caddy'], crafted: true, price: [7, 120] },
  { name: 'Garden', nouns: ['Planter', 'Watering Can', 'Pruning Shears', 'Trowel', 'Raised Bed'], crafted: true, price: [6, 210] },
  { name: 'Outdoor', nouns: ['Camping Chair', 'Hammock', 'Cooler', 'Picnic Blanket', 'Fire Pit'], crafted: true, price: [15, 450] },
  { name: 'Running', nouns: ['Running Shoe', 'Hydration Vest', 'Running Cap', 'Armband', 'Shorts'], crafted: false, price: [12, 190] },
  { name: 'Cycling', nouns: ['Bike Light', 'Saddle Bag', 'Helmet', 'Floor Pump', 'Jersey'], crafted: false, price: [10, 260] },
  { name: 'Yoga', nouns: ['Yoga Mat', 'Yoga Block', 'Strap', 'Bolster', 'Meditation Cushion'], crafted: true, price: [9, 140] },
  { name: 'Audio', nouns: ['Headphones', 'Bluetooth Speaker', 'Turntable', 'Earbuds', 'Soundbar'], crafted: false, price: [25, 700] },
  { name: 'Computing', nouns: ['Mechanical Keyboard', 'Mouse', 'Laptop Stand', 'USB-C Hub', 'Monitor Arm'], crafted: true, price: [15, 350] },
  { name: 'Photography', nouns: ['Tripod', 'Camera Strap', 'Lens Cap', 'Camera Bag', 'Light Reflector'], crafted: true, price: [9, 280] },
  { name: 'Stationery', nouns: ['Notebook', 'Fountain Pen', 'Pencil Case', 'Desk Organizer', 'Planner'], crafted: true, price: [4, 90] },
  { name: 'Toys', nouns: ['Building Blocks', 'Puzzle', 'Plush Bear', 'Wooden Train', 'Kite'], crafted: true, price: [7, 120] },
  { name: 'Board Games', nouns: ['Strategy Game', 'Card Game', 'Chess Set', 'Dice Set', 'Party Game'], crafted: true, price: [9, 110] },
  { name: 'Pet Supplies', nouns: ['Dog Bed', 'Cat Tree', 'Leash', 'Food Bowl', 'Chew Toy'], crafted: true, price: [6, 220] },
  { name: 'Skincare', nouns: ['Face Serum', 'Moisturizer', 'Cleanser', 'Sunscreen', 'Lip Balm'], crafted: false, price: [5, 95] },
  { name: 'Bags', nouns: ['Backpack', 'Tote Bag', 'Duffel', 'Messenger Bag', 'Wallet'], crafted: true, price: [15, 380] },
  { name: 'Watches', nouns: ['Field Watch', 'Dive Watch', 'Watch Strap', 'Chronograph', 'Pocket Watch'], crafted: true, price: [30, 900] },
  { name: 'Tools', nouns: ['Screwdriver Set', 'Cordless Drill', 'Tape Measure', 'Hammer', 'Level'], crafted: true, price: [8, 260] },
  { name: 'Books', nouns: ['Cookbook', 'Travel Guide', 'Field Guide', 'Art Book', 'Novel'], crafted: false, price: [9, 65] },
  { name: 'Pantry', nouns: ['Olive Oil', 'Sea Salt', 'Spice Set', 'Honey', 'Hot Sauce'], crafted: false, price: [4, 45] },
];

export const ADJECTIVES = [
  'Classic', 'Compact', 'Everyday', 'Heritage', 'Modern', 'Nordic', 'Rustic', 'Travel', 'Premium',
  'Minimal', 'Vintage', 'Ultralight', 'Handmade', 'Studio', 'Urban', 'Coastal', 'Alpine', 'Essential',
];
export const MATERIALS = [
  'Oak', 'Walnut', 'Bamboo', 'Linen', 'Cotton', 'Steel', 'Ceramic', 'Leather', 'Wool', 'Cork',
  'Copper', 'Glass', 'Recycled', 'Canvas', 'Stoneware', 'Brass',
];
export const VENDORS = [
  'Northwind Goods', 'Fjord & Pine', 'Copperleaf Supply', 'Harbor Lane', 'Meadowlark Studio',
  'Atlas Outfitters', 'Juniper & Co', 'Kestrel Works', 'Bright Hollow', 'Saltmarsh Trading',
];
export const FIRST_NAMES = [
  'Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kira', 'Luca',
  'Maya', 'Nils', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wen', 'Yara', 'Zoe',
];
export const LAST_NAMES = [
  'Alvarez', 'Berg', 'Chen', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jansen',
  'Kowalski', 'Larsen', 'Moreau', 'Novak', 'Okafor', 'Patel', 'Rossi', 'Silva', 'Tanaka', 'Weber',
];
export const REVIEW_OPENERS = [
  'Exactly as described.', 'Better than I expected.', 'Solid value for the price.', 'Not quite what I hoped.',
  'Arrived quickly and well packed.', 'Would buy again.', 'Does the job.', 'Beautiful craftsmanship.',
];
export const REVIEW_DETAILS = [
  'The finish feels durable.', 'Sizing runs a little small.', 'I use it every day now.',
  'The color is slightly different from the photos.', 'Assembly took ten minutes.',
  'It was a gift and they loved it.', 'Customer service answered within a day.', 'A bit heavier than expected.',
];
