/**
 * `npm start` / `npm run dev`: the App on Probot's own Node server. Probot loads `.env`; with no APP_ID it
 * serves the manifest flow (open http://localhost:3000 to register the App from app.yml); with
 * WEBHOOK_PROXY_URL it forwards webhooks from smee.io (`npm run dev`). A configured App without a webhook
 * secret is refused: Probot would otherwise accept deliveries signed with the secret "development".
 */
import { run } from "probot";
import app from "../github/app.ts";

if (process.env.APP_ID && !process.env.WEBHOOK_SECRET) {
  process.stderr.write("flux-impact: APP_ID is set but WEBHOOK_SECRET is not; set it (see .env.example).\n");
  process.exit(1);
}

await run(app);
