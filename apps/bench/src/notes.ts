// What each start-up idea was measured to do (paired rounds, CPU medians; see the README's
// Performance section). Kept beside the bench so the notes travel with the code they describe.
export const STARTUP_NOTES: string[] = ['(filled in below)'];
