// The error a call rejects with, checked to be a MyLibraryError free of the given credentials.
import assert from "node:assert/strict";

export function rejecting(MyLibraryError, secrets) {
  return async function rejection(promise) {
    try {
      await promise;
    } catch (e) {
      assert.ok(e instanceof MyLibraryError, `a MyLibraryError, not ${e}`);
      const text = `${e.message} ${e.stack} ${JSON.stringify(e)}`;
      assert.ok(secrets.every((s) => !text.includes(s)), `no credential in ${text}`);
      return e;
    }
    assert.fail("the call succeeded");
  };
}
