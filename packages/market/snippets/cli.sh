# NEVERLOSE_USER_ID, NEVERLOSE_API_KEY and NEVERLOSE_MARKET_URL (unset: the production API) come
# from the environment.
nl-market call get-balance
nl-market call gift-product --username alice --product cs2 --days 30 --key order-17 --journal market.db
nl-market call transfer-money --username bob --amount 2.5 --key order-18   # once, even without --journal
nl-market call integration-visibility --params '{"integration_id":100,"is_public":true}' --json

# Reseller prices: every issue with its key and rule, then the push.
echo '{"cs2-30":{"EUR":"30.50"},"marketplace":{"EUR":"1.1"}}' > prices.json
nl-market prices validate prices.json
nl-market prices push prices.json --integration-id 100

# A webhook as received, checked as a server would: exit 0 valid, 1 refused (with the code).
echo '{"kind":"purchase","amount":0.9,"username":"A49","unique_id":89968,"item_id":"E3yugw","signature":"dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560"}' > body.json
nl-market webhook verify --secret key < body.json
