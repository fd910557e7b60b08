curl -u admin:admin https://api.example.com
curl -H 'Authorization: Bearer $TOKEN' https://x
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
