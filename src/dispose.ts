// The keys of `using` and `await using`. Node 20.4 and later define Symbol.dispose and
// Symbol.asyncDispose (as Symbol.for('nodejs.dispose') and 'nodejs.asyncDispose'); an older
// runtime gets the same keys Node uses, so objects made there still close when disposed by code
// that polyfills them the same way.
export const DISPOSE = (Symbol.dispose ?? Symbol.for('nodejs.dispose')) as typeof Symbol.dispose
export const ASYNC_DISPOSE = (Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose')) as typeof Symbol.asyncDispose
