// Imports can chain: this module imports another one next to it.
import { capitalize } from "./text.js";
export const greeting = (name) => `Hello, ${capitalize(name)}!`;
