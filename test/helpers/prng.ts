/** The seeded PRNG of the randomized tests is the simulator's (`src/sim/random.ts`). */
export { Prng } from "../../src/sim/random.js";
