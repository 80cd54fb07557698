/** How many times each route handler ran, in this server process. */
export const runs = { items: 0 };
