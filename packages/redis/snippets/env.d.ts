// Values the README snippets take as given (an app has them from its own config).
declare const userId: number;
declare const secret: string;
declare const apiKey: string;
declare const token: string;
declare const onEvent: (event: import('neverlose-market/webhooks').WebhookEvent) => void;
