// The Lambda entry point: wires the logic to the DynamoDB table named by
// TABLE_NAME. The AWS SDK v3 ships with the nodejs22.x runtime, so this
// folder deploys as it is, with no build step.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { route } from "./handler.mjs";

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TableName = process.env.TABLE_NAME;

const store = {
  async get(pk) {
    const out = await db.send(new GetCommand({ TableName, Key: { pk } }));
    return out.Item;
  },
  async put(item) {
    await db.send(new PutCommand({ TableName, Item: item }));
  },
};

export const handler = (event) => route(event, store);
