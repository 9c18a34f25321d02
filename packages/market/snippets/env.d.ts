// Values the README snippets take as given (an app has them from its own config and routes).
declare const apiKey: string;
declare const rawBody: string;
