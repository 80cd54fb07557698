// Express 4 is installed under the alias `express4`; its API is typed closely enough by the
// Express 5 types for these tests.
declare module 'express4' {
  import express from 'express';
  export default express;
}
