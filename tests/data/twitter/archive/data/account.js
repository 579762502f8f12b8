window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "alice@example.org",
      "createdVia" : "web",
      "username" : "alice_w",
      "accountId" : "90001",
      "createdAt" : "2012-03-04T05:06:07.000Z",
      "accountDisplayName" : "Alice Wonder"
    }
  }
]
